// Zero-copy media responses for the hub (Linux). Part of @tapdrop/linux-io; see linux-io.h.
//
// Node has no sendfile: a JavaScript file server reads every byte into user memory and writes it back, two copies
// the kernel can skip. On the store PC the difference is invisible (the Wi-Fi is the limit), but on a fast link
// it halves the CPU per byte, which is what lets one Node thread keep pace with nginx. This addon adds the
// primitives a non-blocking sendfile loop needs, and nothing else:
//
//   open(socketFd)                      duplicate the socket's descriptor (Node keeps and closes its own)
//   send(conn, fileFd, offset, length)  sendfile(2) until done or the socket buffer is full; never blocks on
//                                       the network (the socket is non-blocking); returns bytes sent or -errno
//   waitWritable(conn, callback)        one-shot: callback(status) when the socket can take more, via a
//                                       uv_poll on Node's own event loop (no threads, no busy waiting)
//   cork(conn, on)                      TCP_CORK on or off (nginx's tcp_nopush): headers leave with the first
//                                       file bytes; returns 0 or -errno
//   close(conn)                         stop watching, close the duplicate, drop a pending callback
//
// The duplicate is what makes uv_poll possible: libuv refuses two watchers on one descriptor number, but epoll
// watches (file, number) pairs, so a second number for the same socket can be watched for writability while
// Node keeps reading requests from the first.
//
// send() runs on the event loop, as nginx's default (sendfile on, aio off) runs in its worker: it never waits for
// the network, but a file not in the page cache is read from disk inside the call. Videos a store serves are few
// and stay cached; a worker-thread variant was tried and measured slower here (a thread hop per piece).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <node_api.h>
#include <uv.h>

#include "linux-io.h"

// One sendfile(2) call moves at most this much; the loop continues until the socket is full.
#define MAX_CALL (64 * 1024 * 1024)

typedef struct {
  uv_poll_t poll;
  int fd;            // our duplicate, -1 once closed
  int handle_live;   // the uv handle is initialised and its close callback has not run yet
  int finalized;     // the JS object is gone
  napi_env env;
  napi_ref callback; // the pending waitWritable callback, or NULL
  napi_async_context async;
} conn_t;

#define CHECK(call)                                                                                     \
  do {                                                                                                  \
    if ((call) != napi_ok) {                                                                            \
      napi_throw_error(env, NULL, "sendfile addon: " #call " failed");                                \
      return NULL;                                                                                      \
    }                                                                                                   \
  } while (0)

// sendfile(2) until `length` bytes went or the socket is full. Returns bytes sent, or -errno when nothing went.
static int64_t send_some(int sock, int file, int64_t offset, int64_t length) {
  if (sock < 0) return -EBADF;
  off_t off = (off_t)offset;
  int64_t total = 0, left = length;
  while (left > 0) {
    ssize_t n = sendfile(sock, file, &off, left > MAX_CALL ? MAX_CALL : (size_t)left);
    if (n > 0) {
      total += n;
      left -= n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // End of file before `length` (the file shrank) or a real error: report what went first; the next call
    // meets the same condition with nothing sent and returns it.
    if (total == 0) total = n == 0 ? -ENODATA : -errno;
    break;
  }
  return total;
}

static void maybe_free(conn_t *c) {
  if (c->finalized && !c->handle_live) free(c);
}

static void on_closed(uv_handle_t *h) {
  conn_t *c = (conn_t *)h->data;
  c->handle_live = 0;
  maybe_free(c);
}

static void conn_close(conn_t *c) {
  if (c->callback) {
    napi_delete_reference(c->env, c->callback);
    c->callback = NULL;
  }
  if (c->fd >= 0) {
    // uv_close stops the poll; the descriptor is ours to close once libuv no longer watches it.
    uv_close((uv_handle_t *)&c->poll, on_closed);
    close(c->fd);
    c->fd = -1;
  }
  if (c->async) {
    napi_async_destroy(c->env, c->async);
    c->async = NULL;
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  conn_t *c = (conn_t *)data;
  conn_close(c);
  c->finalized = 1;
  maybe_free(c);
}

static conn_t *unwrap(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) {
    napi_throw_type_error(env, NULL, "not a sendfile connection");
    return NULL;
  }
  return (conn_t *)data;
}

// Reads `want` arguments, the first a connection. NULL, with a JS exception pending, when the call is wrong.
static conn_t *conn_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "sendfile addon: napi_get_cb_info failed");
    return NULL;
  }
  if (argc < want) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return unwrap(env, argv[0]);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t sock;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &sock) != napi_ok || sock < 0) {
    napi_throw_type_error(env, NULL, "open(socketFd): a descriptor is required");
    return NULL;
  }
  int fd = fcntl(sock, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    napi_throw_error(env, NULL, "open: could not duplicate the socket descriptor");
    return NULL;
  }
  conn_t *c = calloc(1, sizeof(conn_t));
  if (!c) {
    close(fd);
    napi_throw_error(env, NULL, "open: out of memory");
    return NULL;
  }
  c->fd = fd;
  c->env = env;
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &c->poll, fd) != 0) {
    close(fd);
    free(c);
    napi_throw_error(env, NULL, "open: could not watch the socket");
    return NULL;
  }
  c->poll.data = c;
  c->handle_live = 1;
  napi_value result, resource, name;
  CHECK(napi_create_external(env, c, finalize, NULL, &result));
  // The async resource must be an object (an external is not); it only names the callbacks for async hooks.
  CHECK(napi_create_object(env, &resource));
  CHECK(napi_create_string_utf8(env, "tapdrop.sendfile", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, resource, name, &c->async));
  return result;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  conn_t *c = conn_args(env, info, 4, argv, "send(conn, fileFd, offset, length)");
  if (!c) return NULL;
  int32_t file;
  int64_t offset, length;
  if (napi_get_value_int32(env, argv[1], &file) != napi_ok || napi_get_value_int64(env, argv[2], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[3], &length) != napi_ok || file < 0 || offset < 0 || length < 0) {
    napi_throw_type_error(env, NULL, "send: fileFd, offset and length must be non-negative numbers");
    return NULL;
  }
  int64_t total = send_some(c->fd, file, offset, length);
  napi_value result;
  CHECK(napi_create_int64(env, total, &result));
  return result;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  (void)events;
  conn_t *c = (conn_t *)h->data;
  uv_poll_stop(h);
  if (!c->callback) return;
  napi_env env = c->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, arg;
  napi_ref ref = c->callback;
  c->callback = NULL;
  // make_callback needs an object as `this` (undefined is refused), so the global object it is.
  int ok = napi_get_reference_value(env, ref, &fn) == napi_ok && napi_get_global(env, &recv) == napi_ok &&
           napi_create_int32(env, status, &arg) == napi_ok;
  napi_delete_reference(env, ref);
  // make_callback, not call_function: promises and nextTicks queued by the callback run afterwards, as for any
  // other libuv event.
  if (ok) napi_make_callback(env, c->async, recv, fn, 1, &arg, NULL);
  napi_close_handle_scope(env, scope);
}

static napi_value js_wait(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  conn_t *c = conn_args(env, info, 2, argv, "waitWritable(conn, callback)");
  if (!c) return NULL;
  napi_valuetype t;
  if (napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "waitWritable(conn, callback)");
    return NULL;
  }
  if (c->fd < 0 || c->callback) {
    napi_throw_error(env, NULL, c->fd < 0 ? "waitWritable: connection closed" : "waitWritable: already waiting");
    return NULL;
  }
  CHECK(napi_create_reference(env, argv[1], 1, &c->callback));
  int rc = uv_poll_start(&c->poll, UV_WRITABLE | UV_DISCONNECT, on_poll);
  if (rc != 0) {
    napi_delete_reference(env, c->callback);
    c->callback = NULL;
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  return NULL;
}

static napi_value js_cork(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  conn_t *c = conn_args(env, info, 2, argv, "cork(conn, on)");
  if (!c) return NULL;
  bool on;
  if (napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    napi_throw_type_error(env, NULL, "cork(conn, on): on must be a boolean");
    return NULL;
  }
  int v = on ? 1 : 0;
  int rc = c->fd < 0 ? -EBADF : (setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v) == 0 ? 0 : -errno);
  napi_value result;
  CHECK(napi_create_int32(env, rc, &result));
  return result;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  conn_t *c = conn_args(env, info, 1, argv, "close(conn)");
  if (!c) return NULL;
  conn_close(c);
  return NULL;
}

napi_status register_sendfile(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"waitWritable", NULL, js_wait, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cork", NULL, js_cork, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
