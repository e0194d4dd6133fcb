// Upload bodies straight from the socket to the file (Linux). Part of @tapdrop/linux-io; see linux-io.h.
//
// Through Node's HTTP parser every 64 KiB a socket read becomes a JavaScript buffer. A multi-GB upload makes tens
// of thousands of them, and on the hub's heap they cost dozens of full garbage collections per upload (measured:
// 70-90 for 2.2 GB with --trace-gc; a bare script with a small heap has none). Here a thread of libuv's pool reads
// the rest of the body into one 8 MiB buffer of its own and writes it to the file, starting the disk's writeback
// every 32 MiB as uploads do; JavaScript only hears how far it got.
//
//   receive(socketFd, fileFd, offset, length, silenceMs, progress, done) -> handle
//       reads exactly `length` bytes from the socket (a duplicate of it: Node keeps its own) and writes them to
//       `fileFd` from `offset`. progress(written) after each write (throttled by the buffer size); done(status,
//       written): 0, or -errno (-ECONNRESET: the client closed early, -ETIMEDOUT: no byte for silenceMs,
//       -ECANCELED: cancelled, -ENOSPC ...). After a failed write the rest of the body is read and dropped before
//       done reports the write's error. The caller stops Node reading the socket first and keeps fileFd open
//       until done.
//   cancelReceive(handle)   ends a receive early (the socket closed, the hub stops); done follows. Safe to repeat.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>

#include "linux-io.h"

#define BUFFER (8 << 20)
#define WRITEBACK_STEP (32 << 20)

typedef struct {
  napi_async_work work;
  napi_threadsafe_function progress;
  napi_ref done;
  int sock;          // our duplicate of the socket
  int file;
  int cancel[2];     // a pipe: cancelReceive writes a byte, the thread polls the read end
  int64_t offset;
  int64_t length;
  int silence_ms;
  int64_t written;
  int status;
  int completed;     // done has run: the pipe is closed
  int finalized;     // the JS handle is gone
} receive_t;

static void maybe_free(receive_t *r) {
  if (r->completed && r->finalized) free(r);
}

static int write_all(int fd, const char *buf, size_t len, int64_t at) {
  while (len > 0) {
    ssize_t n = pwrite(fd, buf, len, (off_t)at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -errno;
    if (n == 0) return -ENOSPC;
    buf += n;
    len -= (size_t)n;
    at += n;
  }
  return 0;
}

static void execute(napi_env env, void *data) {
  (void)env;
  receive_t *r = data;
  char *buf = malloc(BUFFER);
  if (!buf) {
    r->status = -ENOMEM;
    return;
  }
  int64_t received = 0, flushed = 0;
  size_t fill = 0;
  int status = 0;
  // A write failed (the disk is full): the rest of the body is still read, and dropped, so that the client has
  // finished sending when the answer comes. Closing a socket with unread bytes resets the connection, and the
  // browser would show a network error instead of the reason.
  int write_failed = 0;
  while (received < r->length) {
    size_t want = BUFFER - fill;
    if ((int64_t)want > r->length - received) want = (size_t)(r->length - received);
    ssize_t n = recv(r->sock, buf + fill, want, MSG_DONTWAIT);
    if (n > 0) {
      fill += (size_t)n;
      received += n;
      if (fill < BUFFER && received < r->length) continue;
      if (write_failed) {
        fill = 0;
        continue;
      }
      if ((write_failed = write_all(r->file, buf, fill, r->offset + r->written)) != 0) {
        fill = 0;
        continue;
      }
      r->written += (int64_t)fill;
      fill = 0;
      if (r->written - flushed >= WRITEBACK_STEP) {
        // Only starts the writeback (no barrier); an error just leaves it to the caller's final fdatasync.
        sync_file_range(r->file, r->offset + flushed, r->written - flushed, SYNC_FILE_RANGE_WRITE);
        flushed = r->written;
      }
      // Non-blocking: if JavaScript is behind, the next report carries a larger count anyway.
      napi_call_threadsafe_function(r->progress, (void *)(intptr_t)r->written, napi_tsfn_nonblocking);
      continue;
    }
    if (n == 0) {
      status = -ECONNRESET;  // the client closed before the promised length
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      status = -errno;
      break;
    }
    struct pollfd fds[2] = {{.fd = r->sock, .events = POLLIN}, {.fd = r->cancel[0], .events = POLLIN}};
    int rc = poll(fds, 2, r->silence_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      status = -errno;
      break;
    }
    if (rc == 0) {
      status = -ETIMEDOUT;
      break;
    }
    if (fds[1].revents) {
      status = -ECANCELED;
      break;
    }
    // Readable, hung up or failed: the next recv says which.
  }
  free(buf);
  // A client that left while the rest was dropped is reported as gone: nobody is left to answer.
  r->status = status != 0 ? status : write_failed;
}

static void call_progress(napi_env env, napi_value fn, void *context, void *data) {
  (void)context;
  if (!env || !fn) return;
  napi_value global, arg;
  if (napi_get_global(env, &global) == napi_ok && napi_create_int64(env, (int64_t)(intptr_t)data, &arg) == napi_ok)
    napi_call_function(env, global, fn, 1, &arg, NULL);
}

static void complete(napi_env env, napi_status status, void *data) {
  receive_t *r = data;
  napi_value fn, global, argv[2];
  if (napi_get_reference_value(env, r->done, &fn) == napi_ok && napi_get_global(env, &global) == napi_ok &&
      napi_create_int32(env, status == napi_ok ? r->status : -ECANCELED, &argv[0]) == napi_ok &&
      napi_create_int64(env, r->written, &argv[1]) == napi_ok) {
    close(r->sock);
    close(r->cancel[0]);
    close(r->cancel[1]);
    r->cancel[1] = -1;
    napi_release_threadsafe_function(r->progress, napi_tsfn_release);
    napi_delete_reference(env, r->done);
    napi_delete_async_work(env, r->work);
    r->completed = 1;
    napi_call_function(env, global, fn, 2, argv, NULL);
    maybe_free(r);
    return;
  }
  napi_throw_error(env, NULL, "receive: could not report the result");
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  receive_t *r = data;
  r->finalized = 1;
  maybe_free(r);
}

static napi_value js_receive(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t sock, file, silence;
  int64_t offset, length;
  napi_valuetype t5, t6;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 ||
      napi_get_value_int32(env, argv[0], &sock) != napi_ok || napi_get_value_int32(env, argv[1], &file) != napi_ok ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok || napi_get_value_int64(env, argv[3], &length) != napi_ok ||
      napi_get_value_int32(env, argv[4], &silence) != napi_ok || napi_typeof(env, argv[5], &t5) != napi_ok ||
      napi_typeof(env, argv[6], &t6) != napi_ok || t5 != napi_function || t6 != napi_function || sock < 0 ||
      file < 0 || offset < 0 || length < 0 || silence <= 0) {
    napi_throw_type_error(env, NULL, "receive(socketFd, fileFd, offset, length, silenceMs, progress, done)");
    return NULL;
  }
  receive_t *r = calloc(1, sizeof(*r));
  if (!r) {
    napi_throw_error(env, NULL, "receive: out of memory");
    return NULL;
  }
  r->sock = fcntl(sock, F_DUPFD_CLOEXEC, 0);
  if (r->sock < 0 || pipe2(r->cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
    if (r->sock >= 0) close(r->sock);
    free(r);
    napi_throw_error(env, NULL, "receive: could not duplicate the socket");
    return NULL;
  }
  r->file = file;
  r->offset = offset;
  r->length = length;
  r->silence_ms = silence;
  napi_value name, handle;
  if (napi_create_string_utf8(env, "tapdrop:receive", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[5], NULL, name, 0, 1, NULL, NULL, NULL, call_progress,
                                      &r->progress) != napi_ok) {
    close(r->sock);
    close(r->cancel[0]);
    close(r->cancel[1]);
    free(r);
    napi_throw_error(env, NULL, "receive: could not set up progress reports");
    return NULL;
  }
  if (napi_create_reference(env, argv[6], 1, &r->done) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, r, &r->work) != napi_ok ||
      napi_create_external(env, r, finalize, NULL, &handle) != napi_ok) {
    napi_throw_error(env, NULL, "receive: could not start");
    return NULL;
  }
  if (napi_queue_async_work(env, r->work) != napi_ok) {
    napi_throw_error(env, NULL, "receive: could not queue");
    return NULL;
  }
  return handle;
}

static napi_value js_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || !data) {
    napi_throw_type_error(env, NULL, "cancelReceive(handle)");
    return NULL;
  }
  receive_t *r = data;
  if (!r->completed && r->cancel[1] >= 0) {
    ssize_t ignored = write(r->cancel[1], "x", 1);
    (void)ignored;
  }
  return NULL;
}

napi_status register_receive(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"receive", NULL, js_receive, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cancelReceive", NULL, js_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, 2, props);
}
