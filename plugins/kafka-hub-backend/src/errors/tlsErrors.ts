/**
 * Node's error codes for a server certificate that no trusted CA vouches
 * for: the CA option is missing or names another CA.
 */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

export function isUntrustedCertificate(code: string | undefined): boolean {
  return UNTRUSTED_CERTIFICATE_CODES.has(code ?? '');
}
