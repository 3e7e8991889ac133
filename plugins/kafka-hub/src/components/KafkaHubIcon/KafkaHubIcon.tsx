import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/**
 * Kafka Hub's icon: a broker node with three partitions flowing out.
 *
 * @public
 */
export const KafkaHubIcon = (props: SvgIconProps) => (
  <SvgIcon {...props} viewBox="0 0 24 24">
    <circle cx="6" cy="12" r="3" />
    <path
      d="M9 12h3M12 12l4-6h2M12 12h6M12 12l4 6h2"
      stroke="currentColor"
      strokeWidth="1.8"
      fill="none"
    />
    <circle cx="19.5" cy="6" r="1.8" />
    <circle cx="19.5" cy="12" r="1.8" />
    <circle cx="19.5" cy="18" r="1.8" />
  </SvgIcon>
);
