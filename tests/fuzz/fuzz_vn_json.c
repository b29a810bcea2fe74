/* libFuzzer harness: common/vn_json.c against jansson's own parser.
 * Invariants: for a text within the depth cap, vn_json_parse and
 * json_loadb(JSON_REJECT_DUPLICATES) both accept, with equal trees whose
 * members come in the same order, or both refuse; a refusal says where
 * (an offset within the text, a line and column from 1) and why; a tighter
 * cap changes nothing but adding a depth refusal.
 *
 * One divergence is deliberate: jansson's stream drops a NUL byte that
 * directly follows a number or a literal (it ungets the byte into a slot
 * where 0 means "empty" and reads on), so "[0\0]" is [0] to it. A NUL is
 * never JSON (no token outside a string, an unescaped control inside one,
 * RFC 8259 sections 2 and 7): every text holding one must be refused here,
 * and only the other texts are compared. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/vn_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_tree(json_t *a, json_t *b)
{
	char *da, *db;

	if (!json_equal(a, b))
		abort();
	da = json_dumps(a, JSON_COMPACT);
	db = json_dumps(b, JSON_COMPACT);
	if (da == NULL || db == NULL || strcmp(da, db) != 0)
		abort();
	free(da);
	free(db);
}

static void sane_error(const vn_json_error *e, size_t size)
{
	if (e->code == VN_JSON_OK || e->text[0] == '\0' || e->offset > size || e->line < 1 ||
	    e->column < 1 || e->column > e->offset + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	vn_json_error e, e8;
	json_t *a, *b, *c;

	a = vn_json_parse(text, size, 0, &e);
	b = json_loadb(text, size, JSON_REJECT_DUPLICATES, NULL);
	if (a == NULL)
		sane_error(&e, size);
	if (memchr(data, 0, size) != NULL) {
		if (a != NULL)
			abort();
	} else if (a == NULL && e.code == VN_JSON_E_DEPTH) {
		/* past our cap; jansson's is one level further */
	} else if ((a == NULL) != (b == NULL)) {
		abort();
	} else if (a != NULL) {
		same_tree(a, b);
	}
	/* the request path's cap */
	c = vn_json_parse(text, size, 8, &e8);
	if (c != NULL) {
		if (a == NULL)
			abort();
		same_tree(a, c);
	} else {
		sane_error(&e8, size);
		if (e8.code != VN_JSON_E_DEPTH &&
		    (a != NULL || e8.code != e.code || e8.offset != e.offset))
			abort();
	}
	json_decref(a);
	json_decref(b);
	json_decref(c);
	return 0;
}
