export { HealthOverview } from './HealthOverview';
