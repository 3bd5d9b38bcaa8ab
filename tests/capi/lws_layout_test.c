/*
 * The public structs a libwebsockets program fills in or embeds have
 * libwebsockets' field names, order and (on LP64) offsets, as in a default
 * lws build (LWS_WITH_SECURE_STREAMS_CPP and _BUFFER_DUMP off). The numbers
 * below are lws's, written out, not computed from our header: a field added,
 * dropped or reordered here fails the build of this test. What differs on
 * purpose (lws_context_creation_info, lws_state_manager_t) is listed in
 * docs/api.md, "Differences from libwebsockets".
 */
#include <libwebsockets.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SAME(type, field, off) _Static_assert(offsetof(type, field) == (off), #type "." #field " moved")
#define SIZE(type, n) _Static_assert(sizeof(type) == (n), "sizeof(" #type ") changed")

#if UINTPTR_MAX == 0xffffffffffffffffu
SAME(lws_ss_info_t, streamtype, 0);
SAME(lws_ss_info_t, user_alloc, 8);
SAME(lws_ss_info_t, handle_offset, 16);
SAME(lws_ss_info_t, opaque_user_data_offset, 24);
SAME(lws_ss_info_t, rx, 32);
SAME(lws_ss_info_t, tx, 40);
SAME(lws_ss_info_t, state, 48);
SAME(lws_ss_info_t, manual_initial_tx_credit, 56);
SAME(lws_ss_info_t, client_pid, 60);
SAME(lws_ss_info_t, flags, 64);
SAME(lws_ss_info_t, sss_protocol_version, 65);
SIZE(lws_ss_info_t, 72);

SAME(lws_dll2_t, prev, 0);
SAME(lws_dll2_t, next, 8);
SAME(lws_dll2_t, owner, 16);
SIZE(lws_dll2_t, 24);
SAME(lws_dll2_owner_t, tail, 0);
SAME(lws_dll2_owner_t, head, 8);
SAME(lws_dll2_owner_t, count, 16);
SIZE(lws_dll2_owner_t, 24);

SAME(lws_sorted_usec_list_t, list, 0);
SAME(lws_sorted_usec_list_t, us, 24);
SAME(lws_sorted_usec_list_t, cb, 32);
SAME(lws_sorted_usec_list_t, latency_us, 40);
SIZE(lws_sorted_usec_list_t, 48);

SAME(lws_state_notify_link_t, list, 0);
SAME(lws_state_notify_link_t, notify_cb, 24);
SAME(lws_state_notify_link_t, name, 32);
SIZE(lws_state_notify_link_t, 40);
#endif

/* The user-object convention of LWS_SS_USER_TYPEDEF / LWS_SS_INFO: the
 * handle first, then the opaque pointer, and the info built from them. */
LWS_SS_USER_TYPEDEF
	int counter;
} layout_user_t;

static lws_ss_state_return_t rx(void *u, const uint8_t *b, size_t l, int f) { (void)u; (void)b; (void)l; (void)f; return LWSSSSRET_OK; }
static lws_ss_state_return_t tx(void *u, lws_ss_tx_ordinal_t o, uint8_t *b, size_t *l, int *f) { (void)u; (void)o; (void)b; (void)l; (void)f; return LWSSSSRET_TX_DONT_SEND; }
static lws_ss_state_return_t st(void *u, void *h, lws_ss_constate_t s, lws_ss_tx_ordinal_t a) { (void)u; (void)h; (void)s; (void)a; return LWSSSSRET_OK; }

LWS_SS_INFO("layout", layout_user_t)
	.rx = rx, .tx = tx, .state = st,
};

int main(void) {
	int bad = 0;
	if (ssi_layout_user_t.user_alloc != sizeof(layout_user_t)) { fprintf(stderr, "user_alloc\n"); bad = 1; }
	if (ssi_layout_user_t.handle_offset != 0) { fprintf(stderr, "handle_offset %zu\n", ssi_layout_user_t.handle_offset); bad = 1; }
	if (ssi_layout_user_t.opaque_user_data_offset != sizeof(void *)) { fprintf(stderr, "opaque offset\n"); bad = 1; }
	if (ssi_layout_user_t.flags != 0 || ssi_layout_user_t.manual_initial_tx_credit != 0) { fprintf(stderr, "defaults\n"); bad = 1; }
	return bad;
}
