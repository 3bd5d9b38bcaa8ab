/*
 * libwebsockets.h — C compatibility header of securestreams.
 *
 * Source-compatible with the Secure Streams part of libwebsockets
 * (lws-secure-streams.h; docs/secure-streams.md §2): the same type names,
 * enum values, flags, macros and function signatures, so that application
 * code written in the classic style (an lws_ss_info_t filled in with
 * offsetof, rx/tx/state callbacks, lws_ss_create, a service loop) compiles
 * unchanged as C or C++. Only the Secure Streams API and what programs
 * shaped like lws' secure-streams minimal examples use around it (context
 * calls, system state notifiers, lws_sul_* timers, logging helpers) are
 * provided; docs/api.md "lws example compatibility" lists it.
 *
 * Threading: every call must be made from the thread that runs
 * lws_service(); the only exceptions are lws_cancel_service() and
 * lws_default_loop_exit(), which may also be called from a signal handler
 * (the posix backend wakes through an eventfd write).
 *
 * Differences from libwebsockets (docs/api.md has the full list):
 *  - lws_ss_set_metadata copies the value (lws binds by reference);
 *  - a callback may return DESTROY_ME / DISCONNECT_ME from rx, tx and state
 *    alike, and lws_ss_destroy() on the stream being called back is safe
 *    (it takes effect when the callback returns);
 *  - lws_create_context() uses the posix backend; tests create a context on
 *    the simulator through <ss/backend_c.h>.
 */
#ifndef SS_LIBWEBSOCKETS_COMPAT_H
#define SS_LIBWEBSOCKETS_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LWS_VISIBLE
#define LWS_EXTERN extern

struct lws_context;
struct lws_ss_handle;
struct lws_sequencer;
struct lws_protocols;

/* ---- logging ------------------------------------------------------------ */

enum lws_log_levels {
	LLL_ERR = 1 << 0,
	LLL_WARN = 1 << 1,
	LLL_NOTICE = 1 << 2,
	LLL_INFO = 1 << 3,
	LLL_DEBUG = 1 << 4,
	LLL_PARSER = 1 << 5,
	LLL_HEADER = 1 << 6,
	LLL_EXT = 1 << 7,
	LLL_CLIENT = 1 << 8,
	LLL_LATENCY = 1 << 9,
	LLL_USER = 1 << 10,
	LLL_THREAD = 1 << 11,
	LLL_COUNT = 12
};

typedef void (*lws_log_emit_t)(int level, const char *line);
LWS_EXTERN void lws_set_log_level(int level, lws_log_emit_t log_emit_function);
LWS_EXTERN void _lws_log(int filter, const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#define lwsl_err(...) _lws_log(LLL_ERR, __VA_ARGS__)
#define lwsl_warn(...) _lws_log(LLL_WARN, __VA_ARGS__)
#define lwsl_notice(...) _lws_log(LLL_NOTICE, __VA_ARGS__)
#define lwsl_info(...) _lws_log(LLL_INFO, __VA_ARGS__)
#define lwsl_debug(...) _lws_log(LLL_DEBUG, __VA_ARGS__)
#define lwsl_user(...) _lws_log(LLL_USER, __VA_ARGS__)

/* Nonzero if lines of `level` are emitted (lws_set_log_level). */
LWS_EXTERN int lwsl_visible(int level);
/* Emitters for lws_set_log_level (the default writes to stderr). */
LWS_EXTERN void lwsl_emit_stderr(int level, const char *line);
LWS_EXTERN void lwsl_emit_stderr_notimestamp(int level, const char *line);

/* Hex + ASCII dump of len bytes, 16 a line, if `level` is visible. */
LWS_EXTERN void lwsl_hexdump_level(int level, const void *vbuf, size_t len);
/* lwsl_hexdump_level(LLL_DEBUG, ...). */
LWS_EXTERN void lwsl_hexdump(const void *vbuf, size_t len);
#define lwsl_hexdump_err(...) lwsl_hexdump_level(LLL_ERR, __VA_ARGS__)
#define lwsl_hexdump_warn(...) lwsl_hexdump_level(LLL_WARN, __VA_ARGS__)
#define lwsl_hexdump_notice(...) lwsl_hexdump_level(LLL_NOTICE, __VA_ARGS__)
#define lwsl_hexdump_info(...) lwsl_hexdump_level(LLL_INFO, __VA_ARGS__)
#define lwsl_hexdump_debug(...) lwsl_hexdump_level(LLL_DEBUG, __VA_ARGS__)

/* Object-scoped logs: the line is prefixed "[<tag>] <function>: ". For a
 * stream the tag is lws_ss_tag(h); for a context it is "cx". The
 * implementation functions (_ss_*) are securestreams names; use the
 * macros. */
struct lws_ss_handle;
LWS_EXTERN void _ss_lws_log_ss(struct lws_ss_handle *h, int filter, const char *func,
			       const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
LWS_EXTERN void _ss_lws_log_cx(struct lws_context *cx, int filter, const char *func,
			       const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
LWS_EXTERN void lwsl_hexdump_ss(struct lws_ss_handle *h, int level, const void *vbuf,
				size_t len);
LWS_EXTERN void lwsl_hexdump_context(struct lws_context *cx, int level, const void *vbuf,
				     size_t len);

#define lwsl_ss(_h, _filter, ...) _ss_lws_log_ss(_h, _filter, __func__, __VA_ARGS__)
#define lwsl_ss_err(_h, ...) lwsl_ss(_h, LLL_ERR, __VA_ARGS__)
#define lwsl_ss_warn(_h, ...) lwsl_ss(_h, LLL_WARN, __VA_ARGS__)
#define lwsl_ss_notice(_h, ...) lwsl_ss(_h, LLL_NOTICE, __VA_ARGS__)
#define lwsl_ss_info(_h, ...) lwsl_ss(_h, LLL_INFO, __VA_ARGS__)
#define lwsl_ss_debug(_h, ...) lwsl_ss(_h, LLL_DEBUG, __VA_ARGS__)
#define lwsl_ss_user(_h, ...) lwsl_ss(_h, LLL_USER, __VA_ARGS__)
#define lwsl_hexdump_ss_err(_h, ...) lwsl_hexdump_ss(_h, LLL_ERR, __VA_ARGS__)
#define lwsl_hexdump_ss_warn(_h, ...) lwsl_hexdump_ss(_h, LLL_WARN, __VA_ARGS__)
#define lwsl_hexdump_ss_notice(_h, ...) lwsl_hexdump_ss(_h, LLL_NOTICE, __VA_ARGS__)
#define lwsl_hexdump_ss_info(_h, ...) lwsl_hexdump_ss(_h, LLL_INFO, __VA_ARGS__)
#define lwsl_hexdump_ss_debug(_h, ...) lwsl_hexdump_ss(_h, LLL_DEBUG, __VA_ARGS__)

#define lwsl_cx(_c, _filter, ...) _ss_lws_log_cx(_c, _filter, __func__, __VA_ARGS__)
#define lwsl_cx_err(_c, ...) lwsl_cx(_c, LLL_ERR, __VA_ARGS__)
#define lwsl_cx_warn(_c, ...) lwsl_cx(_c, LLL_WARN, __VA_ARGS__)
#define lwsl_cx_notice(_c, ...) lwsl_cx(_c, LLL_NOTICE, __VA_ARGS__)
#define lwsl_cx_info(_c, ...) lwsl_cx(_c, LLL_INFO, __VA_ARGS__)
#define lwsl_cx_debug(_c, ...) lwsl_cx(_c, LLL_DEBUG, __VA_ARGS__)
#define lwsl_cx_user(_c, ...) lwsl_cx(_c, LLL_USER, __VA_ARGS__)
#define lwsl_hexdump_cx_err(_c, ...) lwsl_hexdump_context(_c, LLL_ERR, __VA_ARGS__)
#define lwsl_hexdump_cx_warn(_c, ...) lwsl_hexdump_context(_c, LLL_WARN, __VA_ARGS__)
#define lwsl_hexdump_cx_notice(_c, ...) lwsl_hexdump_context(_c, LLL_NOTICE, __VA_ARGS__)
#define lwsl_hexdump_cx_info(_c, ...) lwsl_hexdump_context(_c, LLL_INFO, __VA_ARGS__)
#define lwsl_hexdump_cx_debug(_c, ...) lwsl_hexdump_context(_c, LLL_DEBUG, __VA_ARGS__)

/* Value of option `val` in argv ("-x value", "-x=value" or "-xvalue"; ""
 * for a flag given last), or NULL if absent. */
LWS_EXTERN const char *lws_cmdline_option(int argc, const char **argv, const char *val);

struct lws_context_creation_info;
/* The options every lws example accepts; here "-d <loglevel>" (default
 * info->default_loglevel, else LLL_USER | LLL_ERR | LLL_WARN | LLL_NOTICE):
 * it always sets the log level. */
LWS_EXTERN void lws_cmdline_option_handle_builtin(int argc, const char **argv,
						  struct lws_context_creation_info *info);

/* snprintf that returns the bytes actually written (never more than size - 1). */
LWS_EXTERN int lws_snprintf(char *str, size_t size, const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#define LWS_ARRAY_SIZE(_x) (sizeof(_x) / sizeof((_x)[0]))
/* Headroom lws asks callers to leave before buffers it may prepend to. */
#define LWS_PRE 16

/* Microseconds; timers (lws_sul_*) count in these. */
typedef int64_t lws_usec_t;
#define LWS_US_PER_SEC ((lws_usec_t)1000000)
#define LWS_MS_PER_SEC ((lws_usec_t)1000)
#define LWS_US_PER_MS ((lws_usec_t)1000)
#define LWS_USEC_PER_SEC ((lws_usec_t)1000000)

/* The struct containing member M of type T that P points to. */
#define lws_container_of(P, T, M) ((T *)((char *)(P) - offsetof(T, M)))

/* lws's intrusive doubly-linked list, here only as the member types the
 * public structs below carry (the lws_dll2_* functions are not provided). */
struct lws_dll2;
struct lws_dll2_owner;
typedef struct lws_dll2 {
	struct lws_dll2 *prev;
	struct lws_dll2 *next;
	struct lws_dll2_owner *owner;
} lws_dll2_t;
typedef struct lws_dll2_owner {
	struct lws_dll2 *tail;
	struct lws_dll2 *head;
	uint32_t count;
} lws_dll2_owner_t;

/* ---- system state (lws-state.h / lws-system.h) -------------------------- */

/* The system states, with lws's values (lws >= v4.4, which has
 * ONE_TIME_UPDATES before OPERATIONAL). securestreams has no DHCP, NTP or
 * captive-portal phases of its own: the context walks CONTEXT_CREATED ->
 * OPERATIONAL one step at a time from the first lws_service() call
 * (docs/api.md, "lws example compatibility"). */
typedef enum {
	LWS_SYSTATE_UNKNOWN,
	LWS_SYSTATE_CONTEXT_CREATED,
	LWS_SYSTATE_INITIALIZED,
	LWS_SYSTATE_IFACE_COLDPLUG,
	LWS_SYSTATE_DHCP,
	LWS_SYSTATE_CPD_PRE_TIME,
	LWS_SYSTATE_TIME_VALID,
	LWS_SYSTATE_CPD_POST_TIME,
	LWS_SYSTATE_POLICY_VALID,
	LWS_SYSTATE_REGISTERED,
	LWS_SYSTATE_AUTH1,
	LWS_SYSTATE_AUTH2,
	LWS_SYSTATE_ONE_TIME_UPDATES,
	LWS_SYSTATE_OPERATIONAL,
	LWS_SYSTATE_POLICY_INVALID,
	LWS_SYSTATE_CONTEXT_DESTROYING
} lws_system_states_t;

struct lws_state_manager;
struct lws_state_notify_link;

/* Called twice per step: (mgr, link, current, target) before the step,
 * where nonzero vetoes it (the walk stops; see lws_state_transition_steps),
 * and (mgr, link, target, target) after it, whose return is ignored. */
typedef int (*lws_state_notify_t)(struct lws_state_manager *mgr,
				  struct lws_state_notify_link *link,
				  int current, int target);

typedef struct lws_state_notify_link {
	lws_dll2_t list;
	lws_state_notify_t notify_cb;
	const char *name;
} lws_state_notify_link_t;

typedef struct lws_state_manager {
	lws_dll2_owner_t notify_list;
	struct lws_context *context;
	void *parent;
	const char **state_names;
	const char *name;
	int state;
} lws_state_manager_t;

/* Appends a notifier (a link may be on one manager at a time). */
LWS_EXTERN void lws_state_reg_notifier(lws_state_manager_t *mgr, lws_state_notify_link_t *nl);
LWS_EXTERN void lws_state_reg_deregister(lws_state_notify_link_t *nl);
/* Registers every link of a NULL-terminated array. */
LWS_EXTERN void lws_state_reg_notifier_list(lws_state_manager_t *mgr,
					    lws_state_notify_link_t *const *nl);
/* Steps state + 1 at a time until `target`, stopping where a notifier
 * vetoes (whoever vetoed calls this again later). Returns 0. */
LWS_EXTERN int lws_state_transition_steps(lws_state_manager_t *mgr, int target);
/* Jumps straight to `target` unless a notifier vetoes. Returns 0. */
LWS_EXTERN int lws_state_transition(lws_state_manager_t *mgr, int target);
LWS_EXTERN lws_state_manager_t *lws_system_get_state_manager(struct lws_context *context);
LWS_EXTERN struct lws_context *lws_system_context_from_system_mgr(lws_state_manager_t *mgr);

/* ---- timers (lws_sorted_usec_list_t) ------------------------------------ */

struct lws_sorted_usec_list;
typedef void (*sul_cb_t)(struct lws_sorted_usec_list *sul);
/* Embed one in your own struct, zeroed before first use (SS user objects
 * are); leave its members alone. It must stay alive while scheduled; one
 * inside an SS user object is cancelled when that stream is freed. */
typedef struct lws_sorted_usec_list {
	struct lws_dll2 list;
	lws_usec_t us;       /* due time, in the context's clock */
	sul_cb_t cb;
	uint32_t latency_us;
} lws_sorted_usec_list_t;

#define LWS_SET_TIMER_USEC_CANCEL ((lws_usec_t)-1ll)

/* Calls cb(sul) once, `us` microseconds from now, on the service thread
 * (never inline). Rescheduling a scheduled sul moves it; us ==
 * LWS_SET_TIMER_USEC_CANCEL cancels it. `tsi` is ignored (one thread). */
LWS_EXTERN void lws_sul_schedule(struct lws_context *context, int tsi,
				 lws_sorted_usec_list_t *sul, sul_cb_t cb, lws_usec_t us);
/* Disarms a scheduled sul (no-op if it is not scheduled); sets us to 0. */
LWS_EXTERN void lws_sul_cancel(lws_sorted_usec_list_t *sul);

/* ---- context ------------------------------------------------------------- */

#define CONTEXT_PORT_NO_LISTEN (-1)
#define CONTEXT_PORT_NO_LISTEN_SERVER (-2)

/* Accepted for source compatibility; securestreams ignores them. */
#define LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT (1ll << 1)
#define LWS_SERVER_OPTION_SKIP_SERVER_CANONICAL_NAME (1ll << 2)
#define LWS_SERVER_OPTION_ALLOW_NON_SSL_ON_SSL_PORT (1ll << 3)
#define LWS_SERVER_OPTION_DISABLE_IPV6 (1ll << 5)
#define LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT (1ll << 12)
#define LWS_SERVER_OPTION_EXPLICIT_VHOSTS (1ll << 13)
#define LWS_SERVER_OPTION_H2_JUST_FIX_WINDOW_UPDATE_OVERFLOW (1ll << 33)

struct lws_context_creation_info {
	int port;
	const char *iface;
	const struct lws_protocols *protocols;
	const char *vhost_name;
	int gid;
	int uid;
	uint64_t options;
	void *user;
	unsigned int fd_limit_per_thread;
	unsigned int pt_serv_buf_size;
	unsigned int count_threads;
	int ka_time;
	int ka_probes;
	int ka_interval;
	int timeout_secs;
	const char *ssl_ca_filepath;
	const char *client_ssl_ca_filepath;
	/* Secure Streams policy: JSON text, or a file path if it does not
	 * start with '{'. */
	const char *pss_policies_json;
	/* securestreams extension: seed of the context's random generator
	 * (retry jitter, ws masks). 0 = 0; production may set anything. */
	uint64_t ss_seed;
	/* NULL-terminated array of system state notifiers registered at
	 * creation (see lws_state_notify_t). */
	lws_state_notify_link_t *const *register_notifier_list;
	/* lws_cmdline_option_handle_builtin's level when there is no -d
	 * (0 = LLL_USER | LLL_ERR | LLL_WARN | LLL_NOTICE). */
	int default_loglevel;
	/* Where lws_sspc_* streams find their SS proxy (see the SSPC section
	 * below). */
	const char *ss_proxy_bind;
	const char *ss_proxy_address;
	uint16_t ss_proxy_port;
};

LWS_EXTERN struct lws_context *lws_create_context(const struct lws_context_creation_info *info);
/* Runs due work; returns < 0 when the context can never do anything again. */
LWS_EXTERN int lws_service(struct lws_context *context, int timeout_ms);
/* Thread-safe: every stream gets LWSSSCS_EVENT_WAIT_CANCELLED from the
 * service thread. */
LWS_EXTERN void lws_cancel_service(struct lws_context *context);
LWS_EXTERN void lws_context_destroy(struct lws_context *context);

/* Zeroes *info and sets what a Secure Streams client needs: no listen port,
 * fd_limit_per_thread 8, the lws SSL/vhost options, pss_policies_json =
 * sspol. */
LWS_EXTERN void lws_context_info_defaults(struct lws_context_creation_info *info,
					  const char *sspol);
/* Makes lws_context_default_loop_run_destroy return (and
 * lws_cancel_service()s the context). Safe from a callback, another thread
 * or a signal handler (as the lws examples' SIGINT handlers use it). */
LWS_EXTERN void lws_default_loop_exit(struct lws_context *context);
/* lws_service(cx, 0) until lws_default_loop_exit or lws_service < 0, then
 * lws_context_destroy(cx). NULL cx does nothing. */
LWS_EXTERN void lws_context_default_loop_run_destroy(struct lws_context *context);
/* 0 if `actual` equals "--expected-exit N" (default 0), else 1; logs. */
LWS_EXTERN int lws_cmdline_passfail(int argc, const char **argv, int actual);
/* Fills buf with len bytes from the context's generator and returns len.
 * CAUTION: the generator is deterministic (seeded by ss_seed) so runs
 * replay: fine for test payloads, never for keys, nonces or tokens. */
LWS_EXTERN size_t lws_get_random(struct lws_context *context, void *buf, size_t len);

/* ---- Secure Streams ------------------------------------------------------ */

#define LWS_SS_MTU 1540
#define LWSSS_TIMEOUT_FROM_POLICY 0

typedef enum {
	LWSSSCS_CREATING = 1,
	LWSSSCS_DISCONNECTED,
	LWSSSCS_UNREACHABLE,
	LWSSSCS_AUTH_FAILED,
	LWSSSCS_CONNECTED,
	LWSSSCS_CONNECTING,
	LWSSSCS_DESTROYING,
	LWSSSCS_POLL,
	LWSSSCS_ALL_RETRIES_FAILED,
	LWSSSCS_QOS_ACK_REMOTE,
	LWSSSCS_QOS_NACK_REMOTE,
	LWSSSCS_QOS_ACK_LOCAL,
	LWSSSCS_QOS_NACK_LOCAL,
	LWSSSCS_TIMEOUT,
	LWSSSCS_SERVER_TXN,
	LWSSSCS_SERVER_UPGRADE,
	LWSSSCS_EVENT_WAIT_CANCELLED,
	LWSSSCS_UPSTREAM_LINK_RETRY,
	LWSSSCS_SINK_JOIN,
	LWSSSCS_SINK_PART, /* 20 */

	LWSSSCS_USER_BASE = 1000
} lws_ss_constate_t;

typedef enum {
	LWSSSSRET_TX_DONT_SEND = 1,
	LWSSSSRET_OK = 0,
	LWSSSSRET_DISCONNECT_ME = -1,
	LWSSSSRET_DESTROY_ME = -2
} lws_ss_state_return_t;

enum {
	LWSSS_FLAG_SOM = (1 << 0),
	LWSSS_FLAG_EOM = (1 << 1),
	LWSSS_FLAG_POLL = (1 << 2),
	LWSSS_FLAG_RELATED_START = (1 << 3),
	LWSSS_FLAG_RELATED_END = (1 << 4),
	LWSSS_FLAG_RIDESHARE = (1 << 5),
	LWSSS_FLAG_PERF_JSON = (1 << 6)
};

enum {
	LWSSSINFLAGS_REGISTER_SINK = (1 << 0),
	LWSSSINFLAGS_PROXIED = (1 << 1),
	LWSSSINFLAGS_SERVER = (1 << 2),
	LWSSSINFLAGS_ACCEPTED = (1 << 3),
	LWSSSINFLAGS_ACCEPTED_SINK = (1 << 4)
};

typedef uint32_t lws_ss_tx_ordinal_t;

typedef lws_ss_state_return_t (*lws_sscb_rx)(void *userobj, const uint8_t *buf,
					     size_t len, int flags);
typedef lws_ss_state_return_t (*lws_sscb_tx)(void *userobj, lws_ss_tx_ordinal_t ord,
					     uint8_t *buf, size_t *len, int *flags);
typedef lws_ss_state_return_t (*lws_sscb_state)(void *userobj, void *h_src,
						lws_ss_constate_t state,
						lws_ss_tx_ordinal_t ack);

typedef struct lws_ss_info {
	const char *streamtype;       /* policy streamtype name */
	size_t user_alloc;            /* bytes of zeroed user object to allocate */
	size_t handle_offset;         /* where to write the handle in it */
	size_t opaque_user_data_offset; /* where to write opaque_user_data */

	lws_sscb_rx rx;
	lws_sscb_tx tx;
	lws_sscb_state state;

	int manual_initial_tx_credit; /* > 0: rx held beyond this credit */
	uint32_t client_pid;
	uint8_t flags;                /* LWSSSINFLAGS_* */
	uint8_t sss_protocol_version;
} lws_ss_info_t;

/* Convenience: a user object type starting with the handle and opaque
 * pointer, and a matching lws_ss_info_t named ssi_<type>:
 *
 *   LWS_SS_USER_TYPEDEF
 *           int my_field;
 *   } myss_t;
 *
 *   LWS_SS_INFO("mystreamtype", myss_t)
 *           .rx = myss_rx, .tx = myss_tx, .state = myss_state,
 *   };
 */
#define LWS_SS_USER_TYPEDEF \
	typedef struct { \
		struct lws_ss_handle *ss; \
		void *opaque_data;

#define LWS_SS_INFO(_streamtype, _type) \
	const lws_ss_info_t ssi_##_type = { \
		.streamtype = _streamtype, \
		.user_alloc = sizeof(_type), \
		.handle_offset = offsetof(_type, ss), \
		.opaque_user_data_offset = offsetof(_type, opaque_data),

/* For user objects made with LWS_SS_USER_TYPEDEF: the handle, the opaque
 * pointer given to lws_ss_create, and the context. */
#define lws_ss_from_user(_u) ((_u)->ss)
#define lws_ss_opaque_from_user(_u) ((_u)->opaque_data)
#define lws_ss_cx_from_user(_u) lws_ss_get_context((_u)->ss)

LWS_EXTERN int lws_ss_create(struct lws_context *context, int tsi, const lws_ss_info_t *ssi,
			     void *opaque_user_data, struct lws_ss_handle **ppss,
			     void *reserved, const char **ppayload_fmt);
LWS_EXTERN void lws_ss_destroy(struct lws_ss_handle **ppss);
LWS_EXTERN lws_ss_state_return_t lws_ss_request_tx(struct lws_ss_handle *pss);
LWS_EXTERN lws_ss_state_return_t lws_ss_request_tx_len(struct lws_ss_handle *pss,
						       unsigned long len);
LWS_EXTERN lws_ss_state_return_t lws_ss_client_connect(struct lws_ss_handle *h);
LWS_EXTERN struct lws_sequencer *lws_ss_get_sequencer(struct lws_ss_handle *h);
/* Serves an SS proxy from this context (its loop, its policy): port 0 = unix
 * socket bind ("@name" abstract or a path; NULL = "@proxy.ss.lws"), else TCP
 * on port, on address bind (NULL = all). 0 on success; nonzero (and an
 * lwsl_err line) if it cannot listen. Closed by lws_context_destroy. */
LWS_EXTERN int lws_ss_proxy_create(struct lws_context *context, const char *bind, int port);
LWS_EXTERN const char *lws_ss_state_name(lws_ss_constate_t state);
LWS_EXTERN struct lws_context *lws_ss_get_context(struct lws_ss_handle *h);
LWS_EXTERN void lws_ss_start_timeout(struct lws_ss_handle *h, unsigned int timeout_ms);
LWS_EXTERN void lws_ss_cancel_timeout(struct lws_ss_handle *h);
LWS_EXTERN void *lws_ss_to_user_object(struct lws_ss_handle *h);
LWS_EXTERN const char *lws_ss_rideshare(struct lws_ss_handle *h);
/* A short printable tag for logs: the streamtype name. */
LWS_EXTERN const char *lws_ss_tag(struct lws_ss_handle *h);
/* securestreams extension: why the stream's latest connection attempt
 * failed before CONNECTED, in words, e.g. "certificate verify failed:
 * certificate has expired (cert 0, subject CN=api.example.com)" or
 * "connection refused". Set before LWSSSCS_UNREACHABLE is raised, so the
 * state callback (UNREACHABLE, ALL_RETRIES_FAILED) can read it; "" before
 * any failure and after LWSSSCS_CONNECTED; NULL for a NULL handle. Valid
 * until the stream raises its next state or is destroyed. The same reason
 * is logged (lwsl_warn) as "stream N (type): connect failed: ...".
 * lws_sspc_last_error gives what the client side knows (below). */
LWS_EXTERN const char *lws_ss_last_error(struct lws_ss_handle *h);
/* Copies the value. Returns 0, or nonzero for an undeclared name / too long. */
LWS_EXTERN int lws_ss_set_metadata(struct lws_ss_handle *h, const char *name,
				   const void *value, size_t len);
LWS_EXTERN int lws_ss_alloc_set_metadata(struct lws_ss_handle *h, const char *name,
					 const void *value, size_t len);
/* The value stays valid until the next set of that name or destroy. */
LWS_EXTERN int lws_ss_get_metadata(struct lws_ss_handle *h, const char *name,
				   const void **value, size_t *len);
LWS_EXTERN void lws_ss_server_ack(struct lws_ss_handle *h, int nack);
typedef void (*lws_sssfec_cb)(struct lws_ss_handle *h, void *arg);
LWS_EXTERN void lws_ss_server_foreach_client(struct lws_ss_handle *h, lws_sssfec_cb cb,
					     void *arg);
/* NULL leaves a handler unchanged. */
LWS_EXTERN void lws_ss_change_handlers(struct lws_ss_handle *h, lws_sscb_rx rx, lws_sscb_tx tx,
				       lws_sscb_state state);
LWS_EXTERN int lws_ss_add_peer_tx_credit(struct lws_ss_handle *h, int32_t add);
LWS_EXTERN int lws_ss_get_est_peer_tx_credit(struct lws_ss_handle *h);
/* Accepted, no effect: the ws binding's validity timer (svalidping /
 * svalidhup) counts received frames only. */
LWS_EXTERN void lws_ss_validity_confirmed(struct lws_ss_handle *h);
/* Policy overlays are not supported: logs an error and returns 1 (the
 * policy given at context creation stays in force). */
LWS_EXTERN int lws_ss_policy_overlay(struct lws_context *context, const char *overlay);
/* Logs how many streams of the context are alive, at LLL_NOTICE (lws
 * lists each one; the engine does not expose them). `tsi` is ignored. */
LWS_EXTERN void lws_ss_dump_extant(struct lws_context *context, int tsi);

/* System blobs: device facts and secrets the policy refers to
 * (http_auth_header and friends, client_cert). Same numbering as lws;
 * lws_system_get_blob(ctx, type, idx) addresses slot type + idx. Values are
 * copied (lws's direct_set keeps the pointer); at most 64 KiB each. */
typedef enum {
	LWS_SYSBLOB_TYPE_AUTH,
	LWS_SYSBLOB_TYPE_CLIENT_CERT_DER = LWS_SYSBLOB_TYPE_AUTH + 2,
	LWS_SYSBLOB_TYPE_CLIENT_KEY_DER,
	LWS_SYSBLOB_TYPE_DEVICE_SERIAL,
	LWS_SYSBLOB_TYPE_DEVICE_FW_VERSION,
	LWS_SYSBLOB_TYPE_DEVICE_TYPE,
	LWS_SYSBLOB_TYPE_NTP_SERVER,
	LWS_SYSBLOB_TYPE_MQTT_CLIENT_ID,
	LWS_SYSBLOB_TYPE_MQTT_USERNAME,
	LWS_SYSBLOB_TYPE_MQTT_PASSWORD,
	LWS_SYSBLOB_TYPE_COUNT
} lws_system_blob_item_t;
typedef struct lws_system_blob lws_system_blob_t;
LWS_EXTERN lws_system_blob_t *lws_system_get_blob(struct lws_context *context,
						   lws_system_blob_item_t type, int idx);
LWS_EXTERN void lws_system_blob_direct_set(lws_system_blob_t *b, const uint8_t *ptr, size_t len);
LWS_EXTERN void lws_system_blob_heap_empty(lws_system_blob_t *b);
LWS_EXTERN int lws_system_blob_heap_append(lws_system_blob_t *b, const uint8_t *ptr, size_t len);
LWS_EXTERN size_t lws_system_blob_get_size(lws_system_blob_t *b);
LWS_EXTERN int lws_system_blob_get_single_ptr(lws_system_blob_t *b, const uint8_t **ptr);
/* Copies up to *len bytes from offset ofs; *len becomes the count copied. */
LWS_EXTERN int lws_system_blob_get(lws_system_blob_t *b, uint8_t *ptr, size_t *len, size_t ofs);
LWS_EXTERN void lws_system_blob_destroy(lws_system_blob_t *b);

/* The minimal sequencer: number of states it received and the n-th one
 * (securestreams extension; lws <= v4.3 had a full sequencer object). */
LWS_EXTERN size_t lws_seq_state_count(struct lws_sequencer *seq);
LWS_EXTERN int lws_seq_state_at(struct lws_sequencer *seq, size_t index);

/* ---- SS proxy client (lws-secure-streams-client.h, "SSPC") ---------------
 * lws_sspc_* streams live in an SS proxy process (tools/ss-proxy, or a
 * libwebsockets proxy): each handle is one link to the proxy, which runs
 * the onward stream under its own policy. The context needs no policy for
 * them (pss_policies_json may be NULL). Where the proxy is: ss_proxy_port
 * nonzero -> TCP to ss_proxy_address (default 127.0.0.1) on that port;
 * else the unix socket ss_proxy_bind ("+@name" / "@name" abstract,
 * "+/path" / "/path"), else the lws default "+@proxy.ss.lws".
 * If the proxy is not there the stream gets LWSSSCS_UPSTREAM_LINK_RETRY
 * (ack = ms since the first try) and a new try every second; a streamtype
 * the proxy does not know ends in LWSSSCS_DESTROYING. With
 * LWS_SS_USE_SSPC defined before including this header, the lws_ss_*
 * names below mean the lws_sspc_* ones, as with lws. */
struct lws_sspc_handle;
LWS_EXTERN int lws_sspc_create(struct lws_context *context, int tsi, const lws_ss_info_t *ssi,
			       void *opaque_user_data, struct lws_sspc_handle **ppss,
			       void *reserved, const char **ppayload_fmt);
LWS_EXTERN void lws_sspc_destroy(struct lws_sspc_handle **ppss);
LWS_EXTERN lws_ss_state_return_t lws_sspc_request_tx(struct lws_sspc_handle *h);
LWS_EXTERN lws_ss_state_return_t lws_sspc_request_tx_len(struct lws_sspc_handle *h,
							 unsigned long len);
LWS_EXTERN lws_ss_state_return_t lws_sspc_client_connect(struct lws_sspc_handle *h);
/* No sequencer for proxied streams: NULL. */
LWS_EXTERN struct lws_sequencer *lws_sspc_get_sequencer(struct lws_sspc_handle *h);
/* A client process does not serve a proxy: returns nonzero. */
LWS_EXTERN int lws_sspc_proxy_create(struct lws_context *context, const char *bind, int port);
LWS_EXTERN struct lws_context *lws_sspc_get_context(struct lws_sspc_handle *h);
LWS_EXTERN const char *lws_sspc_rideshare(struct lws_sspc_handle *h);
/* Sent to the proxy, which checks the name against its policy (an
 * undeclared name makes it drop the link). Returns 0. */
LWS_EXTERN int lws_sspc_set_metadata(struct lws_sspc_handle *h, const char *name,
				     const void *value, size_t len);
/* Values the proxy sent (response headers...); nonzero if none yet. */
LWS_EXTERN int lws_sspc_get_metadata(struct lws_sspc_handle *h, const char *name,
				     const void **value, size_t *len);
LWS_EXTERN int lws_sspc_add_peer_tx_credit(struct lws_sspc_handle *h, int32_t add);
LWS_EXTERN int lws_sspc_get_est_peer_tx_credit(struct lws_sspc_handle *h);
LWS_EXTERN void lws_sspc_start_timeout(struct lws_sspc_handle *h, unsigned int timeout_ms);
LWS_EXTERN void lws_sspc_cancel_timeout(struct lws_sspc_handle *h);
LWS_EXTERN void *lws_sspc_to_user_object(struct lws_sspc_handle *h);
LWS_EXTERN void lws_sspc_change_handlers(struct lws_sspc_handle *h, lws_sscb_rx rx,
					 lws_sscb_tx tx, lws_sscb_state state);
LWS_EXTERN void lws_sspc_server_ack(struct lws_sspc_handle *h, int nack);
LWS_EXTERN const char *lws_sspc_tag(struct lws_sspc_handle *h);
/* securestreams extension: what the client side knows of the latest failure
 * (the proxy protocol carries states, not reasons): "cannot reach the SS
 * proxy at <addr>: connection refused" (UPSTREAM_LINK_RETRY), "the SS proxy
 * refused streamtype 'x'" (DESTROYING), "the SS proxy could not reach the
 * endpoint (its log says why)" (UNREACHABLE, ALL_RETRIES_FAILED), "link to
 * the SS proxy lost". Set before the state is raised; "" before any failure
 * and after LWSSSCS_CONNECTED; NULL for a NULL handle. Valid until the
 * stream raises its next state or is destroyed. */
LWS_EXTERN const char *lws_sspc_last_error(struct lws_sspc_handle *h);
LWS_EXTERN void _ss_lws_log_sspc(struct lws_sspc_handle *h, int filter, const char *func,
				 const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
LWS_EXTERN void lwsl_hexdump_sspc(struct lws_sspc_handle *h, int level, const void *vbuf,
				  size_t len);
/* What LWS_SS_USE_SSPC programs put in info.protocols: nothing to add. */
#define lws_sspc_protocols ((const struct lws_protocols *)0)

#if defined(LWS_SS_USE_SSPC)
#define lws_ss_handle lws_sspc_handle
#define lws_ss_create lws_sspc_create
#define lws_ss_destroy lws_sspc_destroy
#define lws_ss_request_tx lws_sspc_request_tx
#define lws_ss_request_tx_len lws_sspc_request_tx_len
#define lws_ss_client_connect lws_sspc_client_connect
#define lws_ss_get_sequencer lws_sspc_get_sequencer
#define lws_ss_proxy_create lws_sspc_proxy_create
#define lws_ss_get_context lws_sspc_get_context
#define lws_ss_rideshare lws_sspc_rideshare
#define lws_ss_set_metadata lws_sspc_set_metadata
#define lws_ss_get_metadata lws_sspc_get_metadata
#define lws_ss_add_peer_tx_credit lws_sspc_add_peer_tx_credit
#define lws_ss_get_est_peer_tx_credit lws_sspc_get_est_peer_tx_credit
#define lws_ss_start_timeout lws_sspc_start_timeout
#define lws_ss_cancel_timeout lws_sspc_cancel_timeout
#define lws_ss_to_user_object lws_sspc_to_user_object
#define lws_ss_change_handlers lws_sspc_change_handlers
#define lws_ss_server_ack lws_sspc_server_ack
#define lws_ss_tag lws_sspc_tag
#define lws_ss_last_error lws_sspc_last_error
#define _ss_lws_log_ss _ss_lws_log_sspc
#define lwsl_hexdump_ss lwsl_hexdump_sspc
#endif

#ifdef __cplusplus
}
#endif

#endif /* SS_LIBWEBSOCKETS_COMPAT_H */
