export { ClaimResolver } from './ClaimResolver';
export type { ClaimVerdicts } from './ClaimResolver';
export { ClaimReader, ClaimSet } from './ClaimSet';
export type { ClaimedLink } from './ClaimSet';
