// The native half of @proj/mount: thin, asynchronous wrappers around the Linux system calls
// Node cannot make (mount(2), umount2(2), the new mount API, flock(2), mkfifo(3)).
// Every call runs on the libuv thread pool and resolves a promise; on failure the promise is
// rejected with an Error carrying errno, code (ENOENT...), syscall and, for the new mount API,
// the kernel's own log lines. Policy (option parsing, retries, errdefs mapping) lives in TS.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <initializer_list>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

// Constants of the new mount API (linux/mount.h), spelled out so this file does not depend on
// which of glibc's and the kernel's headers define them.
constexpr unsigned kFsopenCloexec = 0x1;
constexpr unsigned kFsconfigSetFlag = 0;
constexpr unsigned kFsconfigSetString = 1;
constexpr unsigned kFsconfigCmdCreate = 6;
constexpr unsigned kFsmountCloexec = 0x1;
constexpr unsigned kMoveMountFEmptyPath = 0x4;

struct Failure {
  int err = 0;
  std::string syscall;
  std::string detail;
};

using Job = std::function<Failure()>;

Napi::Error MakeError(Napi::Env env, const Failure& failure) {
  const char* name = strerrorname_np(failure.err);
  std::string message = failure.syscall + ": " + std::strerror(failure.err);
  if (!failure.detail.empty()) message += " (" + failure.detail + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, failure.err));
  error.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  error.Set("syscall", Napi::String::New(env, failure.syscall));
  if (!failure.detail.empty()) error.Set("detail", Napi::String::New(env, failure.detail));
  return error;
}

class SyscallWorker : public Napi::AsyncWorker {
 public:
  SyscallWorker(Napi::Env env, Job job)
      : Napi::AsyncWorker(env), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { failure_ = job_(); }

  void OnOK() override {
    if (failure_.err == 0) {
      deferred_.Resolve(Env().Undefined());
    } else {
      deferred_.Reject(MakeError(Env(), failure_).Value());
    }
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Job job_;
  Failure failure_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value Queue(Napi::Env env, Job job) {
  auto* worker = new SyscallWorker(env, std::move(job));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// The failure of the system call that just returned -1. errno is read before anything else
// runs: `detail` is taken by reference (no copy, no allocation that could touch errno first),
// and the members of a braced initializer are evaluated in order.
Failure Fail(const char* syscall, const std::string& detail = std::string()) {
  return Failure{errno, syscall, detail};
}

const char* DescribeType(napi_valuetype type) {
  switch (type) {
    case napi_string:
      return "a string";
    case napi_number:
      return "a number";
    default:
      return "an object";
  }
}

// Checks the arguments' types before anything is converted or queued; on a mismatch throws a
// TypeError naming the function and the argument, and the caller returns without a system call.
bool CheckArgs(const Napi::CallbackInfo& info, const char* function, std::initializer_list<napi_valuetype> types) {
  size_t index = 0;
  for (napi_valuetype type : types) {
    if (index >= info.Length() || info[index].Type() != type) {
      std::string message = std::string(function) + ": argument " + std::to_string(index + 1) + " must be " + DescribeType(type);
      Napi::TypeError::New(info.Env(), message).ThrowAsJavaScriptException();
      return false;
    }
    index++;
  }
  return true;
}

struct ThreadCall {
  const std::function<Failure()>* call;
  const std::string* dir;
  Failure result;
};

// The body of the thread DoMount starts: its own filesystem context, then chdir, then the call.
void* RunInDirectory(void* argument) {
  auto* context = static_cast<ThreadCall*>(argument);
  if (::unshare(CLONE_FS) != 0) {
    context->result = Fail("unshare");
  } else if (::chdir(context->dir->c_str()) != 0) {
    context->result = Fail("chdir", *context->dir);
  } else {
    context->result = (*context->call)();
  }
  return nullptr;
}

// mount(2). When chdir is given, the call runs on a fresh thread that unshares its filesystem
// context (CLONE_FS) and changes into chdir first, so relative overlay layer paths resolve
// there without touching the working directory of the rest of the process.
Failure DoMount(const std::string& source, const std::string& target, const std::string& fstype,
                unsigned long flags, const std::string& data, const std::string& chdir) {
  std::function<Failure()> call = [&]() -> Failure {
    const char* src = source.empty() ? nullptr : source.c_str();
    const char* type = fstype.empty() ? nullptr : fstype.c_str();
    const void* payload = data.empty() ? nullptr : data.c_str();
    if (::mount(src, target.c_str(), type, flags, payload) != 0) return Fail("mount");
    return Failure{};
  };
  if (chdir.empty()) return call();
  // pthread_create reports a failure as its result; std::thread would abort the process
  // (the addon is built without C++ exceptions).
  ThreadCall context{&call, &chdir, Failure{}};
  pthread_t thread;
  int rc = ::pthread_create(&thread, nullptr, RunInDirectory, &context);
  if (rc != 0) return Failure{rc, "pthread_create", ""};
  ::pthread_join(thread, nullptr);
  return context.result;
}

Napi::Value Mount(const Napi::CallbackInfo& info) {
  if (!CheckArgs(info, "mount", {napi_string, napi_string, napi_string, napi_number, napi_string, napi_string})) {
    return info.Env().Undefined();
  }
  std::string source = info[0].As<Napi::String>();
  std::string target = info[1].As<Napi::String>();
  std::string fstype = info[2].As<Napi::String>();
  auto flags = static_cast<unsigned long>(info[3].As<Napi::Number>().Int64Value());
  std::string data = info[4].As<Napi::String>();
  std::string chdir = info[5].As<Napi::String>();
  return Queue(info.Env(), [=]() { return DoMount(source, target, fstype, flags, data, chdir); });
}

Napi::Value Umount2(const Napi::CallbackInfo& info) {
  if (!CheckArgs(info, "umount2", {napi_string, napi_number})) return info.Env().Undefined();
  std::string target = info[0].As<Napi::String>();
  int flags = info[1].As<Napi::Number>().Int32Value();
  return Queue(info.Env(), [=]() {
    if (::umount2(target.c_str(), flags) != 0) return Fail("umount2");
    return Failure{};
  });
}

// Reads what the kernel logged on a filesystem context ("e overlay: ..." lines).
std::string DrainFsLog(int fd) {
  std::string log;
  char buffer[512];
  for (int i = 0; i < 32; i++) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer) - 1);
    if (n <= 0) break;
    buffer[n] = '\0';
    if (!log.empty()) log += "; ";
    log += buffer;
  }
  return log;
}

struct FsOption {
  std::string key;
  std::string value;
  bool flag;
};

// The new mount API: fsopen, one fsconfig per option (so each overlay layer is its own
// "lowerdir+" string and no page-size limit applies), fsmount with mount attributes, then
// move_mount onto target.
Failure DoFsMount(const std::string& fstype, const std::string& target, const std::vector<FsOption>& options,
                  unsigned attributes) {
  int fsfd = static_cast<int>(::syscall(SYS_fsopen, fstype.c_str(), kFsopenCloexec));
  if (fsfd < 0) return Fail("fsopen", fstype);
  auto failWithLog = [&](const char* syscall, const std::string& what) {
    int saved = errno;
    std::string detail = what;
    std::string log = DrainFsLog(fsfd);
    if (!log.empty()) detail += (detail.empty() ? "" : ": ") + log;
    ::close(fsfd);
    return Failure{saved, syscall, detail};
  };
  for (const auto& option : options) {
    long rc = option.flag
                  ? ::syscall(SYS_fsconfig, fsfd, kFsconfigSetFlag, option.key.c_str(), nullptr, 0)
                  : ::syscall(SYS_fsconfig, fsfd, kFsconfigSetString, option.key.c_str(), option.value.c_str(), 0);
    if (rc != 0) return failWithLog("fsconfig", option.key + (option.flag ? "" : "=" + option.value));
  }
  if (::syscall(SYS_fsconfig, fsfd, kFsconfigCmdCreate, nullptr, nullptr, 0) != 0) {
    return failWithLog("fsconfig", "create");
  }
  int mfd = static_cast<int>(::syscall(SYS_fsmount, fsfd, kFsmountCloexec, attributes));
  if (mfd < 0) return failWithLog("fsmount", "");
  ::close(fsfd);
  if (::syscall(SYS_move_mount, mfd, "", AT_FDCWD, target.c_str(), kMoveMountFEmptyPath) != 0) {
    Failure failure = Fail("move_mount", target);
    ::close(mfd);
    return failure;
  }
  ::close(mfd);
  return Failure{};
}

Napi::Value FsMount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckArgs(info, "fsmount", {napi_string, napi_string, napi_object, napi_number})) return env.Undefined();
  if (!info[2].IsArray()) {
    Napi::TypeError::New(env, "fsmount: argument 3 must be an array of [key, value] pairs").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string fstype = info[0].As<Napi::String>();
  std::string target = info[1].As<Napi::String>();
  Napi::Array list = info[2].As<Napi::Array>();
  auto attributes = static_cast<unsigned>(info[3].As<Napi::Number>().Uint32Value());
  std::vector<FsOption> options;
  options.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value entry = list.Get(i);
    Napi::Value key = entry.IsArray() ? entry.As<Napi::Array>().Get(0u) : env.Undefined();
    Napi::Value value = entry.IsArray() ? entry.As<Napi::Array>().Get(1u) : env.Undefined();
    bool flag = value.IsNull() || value.IsUndefined();
    if (!key.IsString() || (!flag && !value.IsString())) {
      std::string message = "fsmount: option " + std::to_string(i) + " must be a [string, string | null] pair";
      Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    options.push_back(FsOption{key.As<Napi::String>(), flag ? "" : value.As<Napi::String>().Utf8Value(), flag});
  }
  return Queue(info.Env(), [=]() { return DoFsMount(fstype, target, options, attributes); });
}

// Synchronous probe: 0 when the kernel accepts fsopen(fstype) and, if key is given,
// fsconfig(key=value) on it; otherwise the errno.
Napi::Value ProbeFsConfig(const Napi::CallbackInfo& info) {
  if (!CheckArgs(info, "probeFsConfig", {napi_string, napi_string, napi_string})) return info.Env().Undefined();
  std::string fstype = info[0].As<Napi::String>();
  std::string key = info[1].As<Napi::String>();
  std::string value = info[2].As<Napi::String>();
  int fsfd = static_cast<int>(::syscall(SYS_fsopen, fstype.c_str(), kFsopenCloexec));
  if (fsfd < 0) return Napi::Number::New(info.Env(), errno);
  int result = 0;
  if (!key.empty() && ::syscall(SYS_fsconfig, fsfd, kFsconfigSetString, key.c_str(), value.c_str(), 0) != 0) {
    result = errno;
  }
  ::close(fsfd);
  return Napi::Number::New(info.Env(), result);
}

Napi::Value Flock(const Napi::CallbackInfo& info) {
  if (!CheckArgs(info, "flock", {napi_number, napi_number})) return info.Env().Undefined();
  int fd = info[0].As<Napi::Number>().Int32Value();
  int operation = info[1].As<Napi::Number>().Int32Value();
  return Queue(info.Env(), [=]() {
    while (::flock(fd, operation) != 0) {
      if (errno != EINTR) return Fail("flock");
    }
    return Failure{};
  });
}

Napi::Value Mkfifo(const Napi::CallbackInfo& info) {
  if (!CheckArgs(info, "mkfifo", {napi_string, napi_number})) return info.Env().Undefined();
  std::string path = info[0].As<Napi::String>();
  auto mode = static_cast<mode_t>(info[1].As<Napi::Number>().Uint32Value());
  return Queue(info.Env(), [=]() {
    if (::mkfifo(path.c_str(), mode) != 0) return Fail("mkfifo", path);
    return Failure{};
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("mount", Napi::Function::New(env, Mount));
  exports.Set("umount2", Napi::Function::New(env, Umount2));
  exports.Set("fsmount", Napi::Function::New(env, FsMount));
  exports.Set("probeFsConfig", Napi::Function::New(env, ProbeFsConfig));
  exports.Set("flock", Napi::Function::New(env, Flock));
  exports.Set("mkfifo", Napi::Function::New(env, Mkfifo));
  return exports;
}

}  // namespace

NODE_API_MODULE(proj_mount, Init)
