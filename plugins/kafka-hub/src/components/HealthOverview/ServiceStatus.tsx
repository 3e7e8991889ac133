import {
  StatusAborted,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { ServiceHealth } from '@kafka-hub/backstage-plugin-kafka-hub-common';

const formatTime = (iso?: string) =>
  iso ? new Date(iso).toLocaleString() : undefined;

/** One service's reachability: status, latency or error, and since when. */
export const ServiceStatus = ({ health }: { health: ServiceHealth }) => {
  const since = formatTime(health.since);
  if (health.status === 'not-configured') {
    return <StatusAborted>Not configured</StatusAborted>;
  }
  if (health.status === 'up') {
    return (
      <Tooltip title={since ? `Reachable since ${since}` : ''}>
        <span>
          <StatusOK>
            Reachable
            {health.latencyMs !== undefined ? ` · ${health.latencyMs} ms` : ''}
          </StatusOK>
        </span>
      </Tooltip>
    );
  }
  return (
    <Box>
      <StatusError>Unreachable{since ? ` since ${since}` : ''}</StatusError>
      {health.error && (
        <Typography
          variant="body2"
          color="textSecondary"
          component="pre"
          style={{ whiteSpace: 'pre-wrap', margin: 0 }}
        >
          {health.error}
        </Typography>
      )}
    </Box>
  );
};
