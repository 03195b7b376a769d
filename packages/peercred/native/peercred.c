// peercred: reads SO_PEERCRED (pid, uid, gid of the process at the other end
// of a unix socket) for a file descriptor. Linux only; elsewhere the export
// returns undefined. Node-API, so one build works on every Node version.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <node_api.h>
#ifdef __linux__
#include <sys/socket.h>
#include <sys/types.h>
#endif

#define CHECK(call)                                   \
  do {                                                \
    if ((call) != napi_ok) {                          \
      napi_throw_error(env, NULL, "peercred: " #call); \
      return NULL;                                    \
    }                                                 \
  } while (0)

static napi_value set_int(napi_env env, napi_value obj, const char* name, int64_t value) {
  napi_value v;
  if (napi_create_int64(env, value, &v) != napi_ok) return NULL;
  if (napi_set_named_property(env, obj, name, v) != napi_ok) return NULL;
  return obj;
}

// getPeerCred(fd: number): { pid, uid, gid } | undefined
// Throws an Error with `errno` and `syscall` when getsockopt fails.
static napi_value get_peer_cred(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "peercred: expected a file descriptor (a non-negative integer)");
    return NULL;
  }
#ifdef __linux__
  struct ucred cred;
  socklen_t len = sizeof cred;
  memset(&cred, 0, sizeof cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    int err = errno;
    napi_value msg, error, code;
    char text[160];
    snprintf(text, sizeof text, "getsockopt(SO_PEERCRED) failed: %s", strerror(err));
    CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg));
    CHECK(napi_create_error(env, NULL, msg, &error));
    CHECK(napi_create_int32(env, err, &code));
    CHECK(napi_set_named_property(env, error, "errno", code));
    napi_throw(env, error);
    return NULL;
  }
  napi_value obj;
  CHECK(napi_create_object(env, &obj));
  if (set_int(env, obj, "pid", cred.pid) == NULL || set_int(env, obj, "uid", cred.uid) == NULL ||
      set_int(env, obj, "gid", cred.gid) == NULL) {
    napi_throw_error(env, NULL, "peercred: cannot build the result");
    return NULL;
  }
  return obj;
#else
  (void)fd;
  napi_value undef;
  CHECK(napi_get_undefined(env, &undef));
  return undef;
#endif
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK(napi_create_function(env, "getPeerCred", NAPI_AUTO_LENGTH, get_peer_cred, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "getPeerCred", fn));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
