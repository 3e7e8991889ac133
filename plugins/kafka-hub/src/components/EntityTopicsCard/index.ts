export { EntityTopicsCard } from './EntityTopicsCard';
