export { EntityTopicsCard } from './EntityTopicsCard';
export { DriftChip } from './DriftChip';
