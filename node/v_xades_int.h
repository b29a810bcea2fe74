/* valnode (internal to the XAdES parser): the seam between the XMLDSig /
 * signed-properties half (v_xades.c) and the unsigned-properties half
 * (v_xades_unsigned.c: timestamps and their imprint inputs, certificate
 * and revocation values, archive timestamps, the BDOC time-mark). */
#ifndef V_XADES_INT_H
#define V_XADES_INT_H

#include <stddef.h>
#include <libxml/tree.h>

#include "common/vn_err.h"
#include "node/v_format.h"
#include "node/v_sigobj.h"

#define V_NS_DSIG "http://www.w3.org/2000/09/xmldsig#"
#define V_NS_XADES132 "http://uri.etsi.org/01903/v1.3.2#"
#define V_NS_XADES141 "http://uri.etsi.org/01903/v1.4.1#"
#define V_NS_ASIC "http://uri.etsi.org/02918/v1.2.1#"

/* Octets seen, not owned: a canonical form the parser holds, or the bytes
 * of a detached document as the caller supplied them (never copied: an
 * ASiC data file may be large and referenced more than once). */
typedef struct v_octets {
	const unsigned char *p;
	size_t n;
} v_octets;

/* One ds:Signature after core validation. Every pointer is borrowed from
 * the parsed document, which outlives the call. */
typedef struct v_xades_sig {
	xmlDocPtr doc;
	xmlNodePtr sig;			/* ds:Signature */
	xmlNodePtr signed_info;		/* ds:SignedInfo */
	const char *c14n_uri;		/* SignedInfo's CanonicalizationMethod */
	xmlNodePtr sig_value;		/* ds:SignatureValue */
	xmlNodePtr key_info;		/* ds:KeyInfo, or NULL */
	xmlNodePtr qp;			/* xades:QualifyingProperties, or NULL */
	xmlNodePtr usp;			/* its UnsignedProperties/
					 * UnsignedSignatureProperties, or NULL */
	const v_docs *docs;		/* detached documents; may be NULL */
	/* The octets each ds:Reference's digest was computed over (after its
	 * transforms), in document order; NULL entries (n 0) where a
	 * reference could not be dereferenced. Archive timestamps need them
	 * (EN 319 132-1 5.5.2.2). */
	const v_octets *ref_octets;
	size_t nrefs;
} v_xades_sig;

/* Read the unsigned signature properties of xs into o: signature and
 * archive timestamps (with imprint inputs computed as EN 319 132-1 5.3 and
 * 5.5.2 define them), CertificateValues and RevocationValues (OCSP, CRL)
 * appended to o->certs / o->ocsps / o->crls, the BDOC time-mark (an OCSP
 * response whose nonce binds the signature value: o->timemark), and the
 * XAdES level they support (raised from B in o->level). A malformed
 * property is a finding (and o->check FORMAT_FAILURE where the standard
 * says so), not an error. Errors: VN_ERR_NOMEM only. */
vn_err v_xades_unsigned(const v_xades_sig *xs, v_sigobj *o) VN_WUR VN_NONNULL(1, 2);

#endif
