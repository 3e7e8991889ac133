export { NamespaceClaimStore } from './NamespaceClaimStore';
export { LinkClaimStore } from './LinkClaimStore';
export type { LinkKey } from './LinkClaimStore';
export { LinkErrorStore } from './LinkErrorStore';
export type {
  LinkClaim,
  LinkKind,
  NamespaceClaim,
  NamespaceClaimOutcome,
  StoredLinkErrors,
} from './types';
