#include <node_api.h>

#include "linux-io.h"

NAPI_MODULE_INIT() {
  if (register_sendfile(env, exports) != napi_ok) return NULL;
  if (register_writeback(env, exports) != napi_ok) return NULL;
  if (register_receive(env, exports) != napi_ok) return NULL;
  if (register_hash(env, exports) != napi_ok) return NULL;
  return exports;
}
