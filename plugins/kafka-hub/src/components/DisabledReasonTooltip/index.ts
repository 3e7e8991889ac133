export { DisabledReasonTooltip } from './DisabledReasonTooltip';
