/* libFuzzer harness: the locked-down XML reader, the TS 119 612 parser and
 * the JSON view of the model (which walks every parsed field). */
#include <stdint.h>
#include <stdlib.h>

#include "node/tl_json.h"
#include "trustlists/tl_model.h"
#include "trustlists/tl_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;

	if (tl_xml_read(data, size, &doc, NULL, 0) != VN_OK)
		return 0;
	if (tl_parse(doc, &l) == VN_OK) {
		json_t *j = vn_json_list(l, 1);
		json_decref(j);
		tl_list_free(l);
	}
	xmlFreeDoc(doc);
	return 0;
}
