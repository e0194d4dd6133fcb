// Bodies straight from the socket to the file (Linux): uploads to the hub and the chain's downloads. Part of
// @tapdrop/linux-io; see linux-io.h.
//
// Through Node's HTTP parser every 64 KiB a socket read becomes a JavaScript buffer, and its write to the file wakes
// a thread of libuv's pool. A multi-GB upload makes tens of thousands of them: on the hub's heap they cost dozens of
// full garbage collections per upload (measured: 70-90 for 2.2 GB with --trace-gc), and 20 stores' syncs spent ~2 s
// of the event loop per 4 GB in the writes' wake-ups alone (bench:chain). Here threads of this addon serve every
// body at once (two of them, each with its share): epoll tells it which sockets have bytes, it reads them into one
// 128 KiB buffer and writes them to their files, starting the disk's writeback every 32 MiB; JavaScript only hears
// how far each got.
//
// Why these sizes (bench:chain, 40 downloads at once on 2 cores): with an 8 MiB buffer each byte left the CPU's
// cache between its read and its write, and the receiving threads used 2.1-2.5 s each per 4 GB; 512 KiB: 1.4-1.6 s;
// 128 KiB: 0.6-0.75 s (64 KiB: no better). A socket wakes the thread only once 64 KiB are waiting (SO_RCVLOWAT), not
// for every packet. Why one thread of our own rather than libuv's pool (where this ran before): a receive lasts as
// long as its body, and on the pool's 4 threads a sync's two downloads and two uploads would have left none for the
// hub's file system calls.
//
//   receive(socketFd, fileFd, offset, length, silenceMs, progress, done[, stopOnWriteError]) -> handle
//       reads exactly `length` bytes from the socket (a duplicate of it: Node keeps its own) and writes them to
//       `fileFd` from `offset`. progress(written) every 4 MiB or so; done(status, written, writeError): status 0, or
//       -errno (-ECONNRESET: the peer closed early, -ETIMEDOUT: no byte for silenceMs, -ECANCELED: cancelled,
//       -ENOSPC ...); writeError: 0, or the -errno of the first failed write (the disk's side, whatever the socket
//       did after). After a failed write the rest of the body is read and dropped before done (an upload's client
//       has then finished sending when it is answered), unless stopOnWriteError (a download: no point fetching the
//       rest). The caller stops Node reading the socket first and keeps fileFd open until done. The socket's
//       SO_RCVLOWAT is set back to 1 at the end.
//
// A write that blocks (a disk far behind, dirty-page throttling) holds the other receives of its thread meanwhile:
// the two threads share the bodies, and a store PC's one disk is behind for all of them alike.
//   cancelReceive(handle)   ends a receive early (the socket closed, the hub stops); done follows. Safe to repeat.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <node_api.h>

#include "linux-io.h"

#define BUFFER (128 << 10)
#define LOWAT (64 << 10)
/** Bytes one connection may take per wake-up before the others get their turn. */
#define TURN (1 << 20)
#define WRITEBACK_STEP (32 << 20)
#define PROGRESS_STEP (4 << 20)
/** Every connection is read at least this often, whatever SO_RCVLOWAT: a slow sender's bytes are not left waiting. */
#define SWEEP_MS 1000
/** Threads: two, so that a 2-core store PC receives on both cores (one thread held bench:chain to 0.9-1.0x). */
#define WORKERS 2

enum { EV_PROGRESS, EV_DONE };
typedef struct {
  int kind;
  int status;
  int64_t written;
} event_t;

struct worker;

typedef struct receive_s {
  struct receive_s *next;          // the thread's list of receives, or the queue of new ones
  struct worker *worker;           // the thread serving it
  napi_threadsafe_function events; // progress and done, in order, on the JavaScript thread
  napi_env env;
  napi_ref done;
  event_t done_event;              // posted once, from here: an allocation that fails cannot lose it
  int stop_on_write_error;
  // Between the thread and an environment being torn down (see env_gone): under m.
  pthread_mutex_t m;
  pthread_cond_t cv;
  int detached;                    // the environment is going away: post nothing more
  int thread_done;                 // the thread let go of the receive
  int sock;                        // our duplicate of the socket
  int file;
  int64_t offset, length;
  int silence_ms;
  // The thread's own from here on.
  int64_t received, written, flushed, reported;
  int64_t last_byte_ms, last_read_ms;
  int lowat;
  int write_failed;
  int over;
  int status;
  atomic_int cancelled;
  // The JavaScript thread's.
  int completed;  // done has run
  int finalized;  // the handle is gone
} receive_t;

/** A receiving thread: its epoll, the eventfd that wakes it, its buffer, and the receives handed to it. */
typedef struct worker {
  int epfd, wakefd;
  char *buffer;
  pthread_mutex_t lock;
  receive_t *incoming;  // under lock
  atomic_int jobs;      // receives it serves: a new one goes to the thread with fewer
} worker_t;

static pthread_mutex_t starting = PTHREAD_MUTEX_INITIALIZER;
static int workers_started = 0;  // under starting until it is non-zero, read-only after

static const napi_type_tag RECEIVE_TAG = {0x7461706472307031ULL, 0x7265636569766531ULL};
static worker_t workers[WORKERS];

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
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

/** A progress report, unless the environment is going away. Dropped when memory is short: the next one says more. */
static void post_progress(receive_t *r) {
  event_t *e = malloc(sizeof(*e));
  if (!e) return;
  e->kind = EV_PROGRESS;
  e->status = 0;
  e->written = r->written;
  pthread_mutex_lock(&r->m);
  if (r->detached || napi_call_threadsafe_function(r->events, e, napi_tsfn_nonblocking) != napi_ok) free(e);
  pthread_mutex_unlock(&r->m);
}

/** Reads what the socket has (up to a turn's worth) and writes it. Sets `over` when the body is complete or failed. */
static void pump(receive_t *r) {
  char *buffer = r->worker->buffer;
  int64_t turn = 0;
  r->last_read_ms = now_ms();
  while (r->received < r->length && turn < TURN) {
    size_t want = BUFFER;
    if ((int64_t)want > r->length - r->received) want = (size_t)(r->length - r->received);
    ssize_t n = recv(r->sock, buffer, want, MSG_DONTWAIT);
    if (n > 0) {
      r->received += n;
      turn += n;
      r->last_byte_ms = r->last_read_ms;
      if (r->write_failed) continue;
      if ((r->write_failed = write_all(r->file, buffer, (size_t)n, r->offset + r->written)) != 0) {
        if (!r->stop_on_write_error) continue;
        r->status = r->write_failed;
        r->over = 1;
        return;
      }
      r->written += n;
      if (r->written - r->flushed >= WRITEBACK_STEP) {
        // Only starts the writeback (no barrier); an error just leaves it to the caller's final fdatasync.
        sync_file_range(r->file, r->offset + r->flushed, r->written - r->flushed, SYNC_FILE_RANGE_WRITE);
        r->flushed = r->written;
      }
      if (r->written - r->reported >= PROGRESS_STEP) {
        // Non-blocking: if JavaScript is behind, the next report carries a larger count anyway.
        post_progress(r);
        r->reported = r->written;
      }
      continue;
    }
    if (n == 0) {
      r->status = -ECONNRESET;  // the peer closed before the promised length
      r->over = 1;
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    r->status = -errno;
    r->over = 1;
    return;
  }
  if (r->received >= r->length) {
    // A write that failed is reported once the rest was read.
    r->status = r->write_failed;
    r->over = 1;
    return;
  }
  int lowat = LOWAT;
  if ((int64_t)lowat > r->length - r->received) lowat = (int)(r->length - r->received);
  if (lowat != r->lowat && setsockopt(r->sock, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat) == 0) r->lowat = lowat;
}

/** The receive's end: the socket is let go and done is queued. The thread does not touch `r` after this. */
static void finish(receive_t *r) {
  worker_t *w = r->worker;
  int one = 1;
  epoll_ctl(w->epfd, EPOLL_CTL_DEL, r->sock, NULL);
  // The socket is Node's again (through its own descriptor): a mark left set would hide its next small reads.
  if (r->lowat != 1) setsockopt(r->sock, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof one);
  close(r->sock);
  atomic_fetch_sub(&w->jobs, 1);
  r->done_event.kind = EV_DONE;
  r->done_event.status = r->status;
  r->done_event.written = r->written;
  pthread_mutex_lock(&r->m);
  if (!r->detached) napi_call_threadsafe_function(r->events, &r->done_event, napi_tsfn_blocking);
  r->thread_done = 1;
  pthread_cond_signal(&r->cv);
  pthread_mutex_unlock(&r->m);
}

static void *run(void *arg) {
  worker_t *w = arg;
  receive_t *active = NULL;
  struct epoll_event ready[64];
  for (;;) {
    int64_t now = now_ms();
    int timeout = -1;
    for (receive_t *r = active; r; r = r->next) {
      int64_t due = r->last_read_ms + SWEEP_MS - now;
      if (r->last_byte_ms + r->silence_ms - now < due) due = r->last_byte_ms + r->silence_ms - now;
      if (due < 0) due = 0;
      if (timeout < 0 || due < timeout) timeout = (int)due;
    }
    int n = epoll_wait(w->epfd, ready, 64, timeout);
    for (int i = 0; i < n; i++) {
      receive_t *r = ready[i].data.ptr;
      if (!r) {
        uint64_t ignored;
        ssize_t got = read(w->wakefd, &ignored, sizeof ignored);
        (void)got;
      } else if (!r->over) {
        pump(r);
      }
    }
    pthread_mutex_lock(&w->lock);
    receive_t *added = w->incoming;
    w->incoming = NULL;
    pthread_mutex_unlock(&w->lock);
    while (added) {
      receive_t *r = added;
      added = r->next;
      r->next = active;
      active = r;
      r->last_byte_ms = r->last_read_ms = now_ms();
      struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = r};
      if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, r->sock, &ev) != 0) {
        r->status = -errno;
        r->over = 1;
      } else {
        pump(r);
      }
    }
    // Ended, cancelled, silent, or due for a look (a slow sender below the wake-up mark).
    now = now_ms();
    for (receive_t **at = &active; *at;) {
      receive_t *r = *at;
      if (!r->over && atomic_load(&r->cancelled)) r->status = -ECANCELED, r->over = 1;
      if (!r->over && now - r->last_read_ms >= SWEEP_MS) pump(r);
      if (!r->over && now - r->last_byte_ms >= r->silence_ms) r->status = -ETIMEDOUT, r->over = 1;
      if (r->over) {
        *at = r->next;
        finish(r);
      } else {
        at = &r->next;
      }
    }
  }
  return NULL;
}

/** Starts the threads (once per process, at the first receive); those that could not start are not used. */
static void start(void) {
  pthread_attr_t attr;
  sigset_t all, previous;
  // The threads take no signals: they stay Node's.
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 0; i < WORKERS; i++) {
    worker_t *w = &workers[workers_started];
    pthread_t thread;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    w->buffer = malloc(BUFFER);
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    w->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&w->lock, NULL);
    atomic_init(&w->jobs, 0);
    if (!w->buffer || w->epfd < 0 || w->wakefd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ev) != 0 ||
        pthread_create(&thread, &attr, run, w) != 0) {
      free(w->buffer);
      if (w->epfd >= 0) close(w->epfd);
      if (w->wakefd >= 0) close(w->wakefd);
      continue;
    }
    workers_started++;
  }
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

static void wake(worker_t *w) {
  uint64_t one = 1;
  ssize_t ignored = write(w->wakefd, &one, sizeof one);
  (void)ignored;
}

static void maybe_free(receive_t *r) {
  if (r->completed && r->finalized) {
    pthread_mutex_destroy(&r->m);
    pthread_cond_destroy(&r->cv);
    free(r);
  }
}

/**
 * The receive's environment is being torn down (the app quits, a worker thread ends) before its done arrived: the
 * thread must not post to its reporting function, which the environment frees next. Cancels the receive and waits
 * the few milliseconds until the thread has let go of it. The receive's memory is left to the process's end.
 */
static void env_gone(void *arg) {
  receive_t *r = arg;
  pthread_mutex_lock(&r->m);
  r->detached = 1;
  atomic_store(&r->cancelled, 1);
  wake(r->worker);
  while (!r->thread_done) pthread_cond_wait(&r->cv, &r->m);
  pthread_mutex_unlock(&r->m);
}

/** On the JavaScript thread, in the order the receive thread posted them. */
static void deliver(napi_env env, napi_value progress, void *context, void *data) {
  receive_t *r = context;
  event_t *e = data;
  if (!env) {
    // The environment is going away: nothing to call.
    if (e != &r->done_event) free(e);
    return;
  }
  napi_value global, fn, argv[2];
  napi_get_global(env, &global);
  if (e->kind == EV_PROGRESS) {
    if (!r->completed && napi_create_int64(env, e->written, &argv[0]) == napi_ok)
      napi_call_function(env, global, progress, 1, argv, NULL);
    free(e);
    return;
  }
  napi_value args[3];
  r->completed = 1;
  napi_remove_env_cleanup_hook(env, env_gone, r);
  int have = napi_get_reference_value(env, r->done, &fn) == napi_ok;
  napi_delete_reference(env, r->done);
  napi_release_threadsafe_function(r->events, napi_tsfn_release);
  if (have && napi_create_int32(env, e->status, &args[0]) == napi_ok &&
      napi_create_int64(env, e->written, &args[1]) == napi_ok &&
      napi_create_int32(env, r->write_failed, &args[2]) == napi_ok)
    napi_call_function(env, global, fn, 3, args, NULL);
  maybe_free(r);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  receive_t *r = data;
  r->finalized = 1;
  maybe_free(r);
}

static napi_value js_receive(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  int32_t sock, file, silence;
  int64_t offset, length;
  bool stop_on_write_error = false;
  napi_valuetype t5, t6;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 ||
      (argc >= 8 && napi_get_value_bool(env, argv[7], &stop_on_write_error) != napi_ok) ||
      napi_get_value_int32(env, argv[0], &sock) != napi_ok || napi_get_value_int32(env, argv[1], &file) != napi_ok ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok || napi_get_value_int64(env, argv[3], &length) != napi_ok ||
      napi_get_value_int32(env, argv[4], &silence) != napi_ok || napi_typeof(env, argv[5], &t5) != napi_ok ||
      napi_typeof(env, argv[6], &t6) != napi_ok || t5 != napi_function || t6 != napi_function || sock < 0 ||
      file < 0 || offset < 0 || length < 0 || silence <= 0) {
    napi_throw_type_error(env, NULL,
                          "receive(socketFd, fileFd, offset, length, silenceMs, progress, done[, stopOnWriteError])");
    return NULL;
  }
  // Tried again at the next receive if no thread could start (the caller falls back to Node meanwhile).
  pthread_mutex_lock(&starting);
  if (workers_started == 0) start();
  pthread_mutex_unlock(&starting);
  if (workers_started == 0) {
    napi_throw_error(env, NULL, "receive: the receiving thread could not start");
    return NULL;
  }
  receive_t *r = calloc(1, sizeof(*r));
  if (!r) {
    napi_throw_error(env, NULL, "receive: out of memory");
    return NULL;
  }
  r->sock = fcntl(sock, F_DUPFD_CLOEXEC, 0);
  if (r->sock < 0) {
    free(r);
    napi_throw_error(env, NULL, "receive: could not duplicate the socket");
    return NULL;
  }
  r->file = file;
  r->offset = offset;
  r->length = length;
  r->silence_ms = silence;
  r->lowat = 1;
  r->stop_on_write_error = stop_on_write_error;
  r->env = env;
  pthread_mutex_init(&r->m, NULL);
  pthread_cond_init(&r->cv, NULL);
  atomic_init(&r->cancelled, 0);
  napi_value name, handle;
  if (napi_create_string_utf8(env, "tapdrop:receive", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[5], NULL, name, 0, 1, NULL, NULL, r, deliver, &r->events) !=
          napi_ok) {
    close(r->sock);
    free(r);
    napi_throw_error(env, NULL, "receive: could not set up its reports");
    return NULL;
  }
  // The handle's finalizer is attached last: until then a failure can free `r` (the handle never reaches JavaScript).
  int hooked = 0;
  if (napi_create_reference(env, argv[6], 1, &r->done) != napi_ok ||
      napi_create_external(env, r, NULL, NULL, &handle) != napi_ok ||
      napi_type_tag_object(env, handle, &RECEIVE_TAG) != napi_ok ||
      !(hooked = napi_add_env_cleanup_hook(env, env_gone, r) == napi_ok) ||
      napi_add_finalizer(env, handle, r, finalize, NULL, NULL) != napi_ok) {
    // Nothing was handed to the thread: undo here (the reports' function holds no event yet).
    if (hooked) napi_remove_env_cleanup_hook(env, env_gone, r);
    if (r->done) napi_delete_reference(env, r->done);
    pthread_mutex_destroy(&r->m);
    pthread_cond_destroy(&r->cv);
    napi_release_threadsafe_function(r->events, napi_tsfn_abort);
    close(r->sock);
    free(r);
    napi_throw_error(env, NULL, "receive: could not start");
    return NULL;
  }
  worker_t *w = &workers[0];
  for (int i = 1; i < workers_started; i++)
    if (atomic_load(&workers[i].jobs) < atomic_load(&w->jobs)) w = &workers[i];
  atomic_fetch_add(&w->jobs, 1);
  r->worker = w;
  pthread_mutex_lock(&w->lock);
  r->next = w->incoming;
  w->incoming = r;
  pthread_mutex_unlock(&w->lock);
  wake(w);
  return handle;
}

static napi_value js_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  bool ours = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_check_object_type_tag(env, argv[0], &RECEIVE_TAG, &ours) != napi_ok || !ours ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || !data) {
    napi_throw_type_error(env, NULL, "cancelReceive(handle)");
    return NULL;
  }
  receive_t *r = data;
  if (!r->completed) {
    atomic_store(&r->cancelled, 1);
    wake(r->worker);
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
