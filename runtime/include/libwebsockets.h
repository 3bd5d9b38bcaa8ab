/*
 * libwebsockets.h — C compatibility header of securestreams.
 *
 * Source-compatible with the Secure Streams part of libwebsockets
 * (lws-secure-streams.h as spec §2 documents it): the same type names,
 * enum values, flags, macros and function signatures, so that application
 * code written in the classic style (an lws_ss_info_t filled in with
 * offsetof, rx/tx/state callbacks, lws_ss_create, a service loop) compiles
 * unchanged as C or C++. Only the Secure Streams API and the few context
 * calls such an application needs are provided.
 *
 * Threading: every call must be made from the thread that runs
 * lws_service(); the only exception is lws_cancel_service().
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

/* Value of "-x value" style argument `val` in argv, or NULL. */
LWS_EXTERN const char *lws_cmdline_option(int argc, const char **argv, const char *val);

struct lws_context_creation_info;
/* The options every lws example accepts; here "-d <loglevel>". */
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
};

LWS_EXTERN struct lws_context *lws_create_context(const struct lws_context_creation_info *info);
/* Runs due work; returns < 0 when the context can never do anything again. */
LWS_EXTERN int lws_service(struct lws_context *context, int timeout_ms);
/* Thread-safe: every stream gets LWSSSCS_EVENT_WAIT_CANCELLED from the
 * service thread. */
LWS_EXTERN void lws_cancel_service(struct lws_context *context);
LWS_EXTERN void lws_context_destroy(struct lws_context *context);

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

LWS_EXTERN int lws_ss_create(struct lws_context *context, int tsi, const lws_ss_info_t *ssi,
			     void *opaque_user_data, struct lws_ss_handle **ppss,
			     void *reserved, const char **ppayload_fmt);
LWS_EXTERN void lws_ss_destroy(struct lws_ss_handle **ppss);
LWS_EXTERN lws_ss_state_return_t lws_ss_request_tx(struct lws_ss_handle *pss);
LWS_EXTERN lws_ss_state_return_t lws_ss_request_tx_len(struct lws_ss_handle *pss,
						       unsigned long len);
LWS_EXTERN lws_ss_state_return_t lws_ss_client_connect(struct lws_ss_handle *h);
LWS_EXTERN struct lws_sequencer *lws_ss_get_sequencer(struct lws_ss_handle *h);
LWS_EXTERN int lws_ss_proxy_create(struct lws_context *context, const char *bind, int port);
LWS_EXTERN const char *lws_ss_state_name(lws_ss_constate_t state);
LWS_EXTERN struct lws_context *lws_ss_get_context(struct lws_ss_handle *h);
LWS_EXTERN void lws_ss_start_timeout(struct lws_ss_handle *h, unsigned int timeout_ms);
LWS_EXTERN void lws_ss_cancel_timeout(struct lws_ss_handle *h);
LWS_EXTERN void *lws_ss_to_user_object(struct lws_ss_handle *h);
LWS_EXTERN const char *lws_ss_rideshare(struct lws_ss_handle *h);
/* A short printable tag for logs: the streamtype name. */
LWS_EXTERN const char *lws_ss_tag(struct lws_ss_handle *h);
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

#ifdef __cplusplus
}
#endif

#endif /* SS_LIBWEBSOCKETS_COMPAT_H */
