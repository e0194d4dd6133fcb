// @tapdrop/linux-io: the few Linux system calls Node does not offer and the hub's hot paths need.
//   sendfile.c   media responses by sendfile(2), waiting for socket room on Node's event loop
//   writeback.c  uploads: start writing a file range to disk early with sync_file_range(2), off the event loop
//   receive.c    uploads and chain downloads: bodies from their sockets to their files on two threads of its own
//                (epoll), no JavaScript buffer per read
//   hash.c       chain downloads: BLAKE3 (vendored in blake3/) over a file's bytes, for the store's checksum
// module.c puts them on one exports object.
#pragma once
#include <node_api.h>

napi_status register_sendfile(napi_env env, napi_value exports);
napi_status register_writeback(napi_env env, napi_value exports);
napi_status register_receive(napi_env env, napi_value exports);
napi_status register_hash(napi_env env, napi_value exports);
