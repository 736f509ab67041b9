// On platforms other than Linux the addon loads but exports nothing; the TypeScript side uses
// its *.unsupported.ts modules, which throw NotImplemented.
#include <napi.h>
static Napi::Object Init(Napi::Env env, Napi::Object exports) { return exports; }
NODE_API_MODULE(proj_mount, Init)
