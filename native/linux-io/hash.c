// BLAKE3 for the chain's downloads (Linux).
//
// A store checks every file it syncs against the checksum headquarters published. SHA-256, even with the CPU's SHA
// instructions, costs ~0.56 CPU-s per GB here (Node's crypto, 1.79 GB/s), the largest part of what a sync spends
// beyond a plain download loop; BLAKE3 (the official C implementation, vendored in blake3/ with its SIMD code)
// runs at ~6.6 GB/s on one core of the same machine and is as strong a hash for this purpose.
//
//   blake3New()                                 a hasher (freed by the garbage collector)
//   blake3Update(hasher, buffer)                hashes bytes in memory
//   blake3UpdateFromFile(hasher, fd, offset, n) reads n bytes of fd from offset (pread, 256 KiB at a time, so the
//                                               hash reads them from the CPU's cache) and hashes them; returns the
//                                               bytes hashed (fewer when the file ends first) or -errno
//   blake3Hex(hasher)                           the 32-byte digest as lower-case hex; the hasher can go on
//
// Synchronous: the hub calls the file variant on a thread of its own (file-hash-thread.ts), never on the event loop.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <node_api.h>

#include "blake3/blake3.h"
#include "linux-io.h"

#define READ_SIZE (256 * 1024)

typedef struct {
  blake3_hasher state;
} hasher_t;

static const napi_type_tag HASHER_TAG = {0x7461706472306233ULL, 0x6861736865723031ULL};

/** The file reads' buffer: one per thread that hashes files (the hub's hashing thread), kept for its life. */
static __thread uint8_t *read_buffer = NULL;

static void hasher_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value js_new(napi_env env, napi_callback_info info) {
  (void)info;
  hasher_t *h = calloc(1, sizeof(*h));
  napi_value out;
  if (!h) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  blake3_hasher_init(&h->state);
  if (napi_create_external(env, h, hasher_free, NULL, &out) != napi_ok) {
    free(h);
    napi_throw_error(env, NULL, "could not create the hasher");
    return NULL;
  }
  if (napi_type_tag_object(env, out, &HASHER_TAG) != napi_ok) {
    napi_throw_error(env, NULL, "could not create the hasher");
    return NULL;
  }
  return out;
}

static hasher_t *hasher_arg(napi_env env, napi_value v) {
  napi_valuetype type;
  bool ours = false;
  void *h = NULL;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, v, &HASHER_TAG, &ours) != napi_ok || !ours ||
      napi_get_value_external(env, v, &h) != napi_ok)
    return NULL;
  return h;
}

static napi_value js_update(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data;
  size_t length;
  bool is_buffer = false;
  hasher_t *h = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      !(h = hasher_arg(env, argv[0])) || napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_buffer_info(env, argv[1], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "blake3Update(hasher, buffer)");
    return NULL;
  }
  blake3_hasher_update(&h->state, data, length);
  return NULL;
}

static napi_value js_update_from_file(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  int32_t fd;
  int64_t offset, length, done = 0;
  hasher_t *h = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      !(h = hasher_arg(env, argv[0])) || napi_get_value_int32(env, argv[1], &fd) != napi_ok ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok || napi_get_value_int64(env, argv[3], &length) != napi_ok ||
      fd < 0 || offset < 0 || length < 0) {
    napi_throw_type_error(env, NULL, "blake3UpdateFromFile(hasher, fd, offset, length)");
    return NULL;
  }
  if (!read_buffer && !(read_buffer = malloc(READ_SIZE))) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  while (done < length) {
    size_t want = length - done < READ_SIZE ? (size_t)(length - done) : READ_SIZE;
    ssize_t n = pread(fd, read_buffer, want, offset + done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      done = -errno;
      break;
    }
    if (n == 0) break;
    blake3_hasher_update(&h->state, read_buffer, (size_t)n);
    done += n;
  }
  napi_create_int64(env, done, &out);
  return out;
}

static napi_value js_hex(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  hasher_t *h = NULL;
  uint8_t digest[BLAKE3_OUT_LEN];
  char hex[2 * BLAKE3_OUT_LEN + 1];
  static const char digits[] = "0123456789abcdef";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !(h = hasher_arg(env, argv[0]))) {
    napi_throw_type_error(env, NULL, "blake3Hex(hasher)");
    return NULL;
  }
  blake3_hasher_finalize(&h->state, digest, BLAKE3_OUT_LEN);
  for (int i = 0; i < BLAKE3_OUT_LEN; i++) {
    hex[2 * i] = digits[digest[i] >> 4];
    hex[2 * i + 1] = digits[digest[i] & 15];
  }
  napi_create_string_latin1(env, hex, 2 * BLAKE3_OUT_LEN, &out);
  return out;
}

napi_status register_hash(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"blake3New", NULL, js_new, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blake3Update", NULL, js_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blake3UpdateFromFile", NULL, js_update_from_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blake3Hex", NULL, js_hex, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, 4, props);
}
