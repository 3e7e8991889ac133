import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { formatAnnotationError } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { errorMessage } from '../ProvisioningCommon';

/**
 * The entity's link annotations that link nothing, as the last reconcile
 * found them: names inside another entity's namespace, or names another
 * entity linked first. Only asked for when the entity has link
 * annotations; they never block provisioning. A full-width grid row of
 * the tab, or nothing when every link applies.
 */
export const EntityLinkErrors = ({ entityRef }: { entityRef: string }) => {
  const api = useApi(kafkaHubApiRef);
  const { value, error } = useAsync(
    () => api.getLinkErrors(entityRef),
    [api, entityRef],
  );
  if (error) {
    return (
      <Grid item xs={12}>
        <WarningPanel
          severity="warning"
          title="Could not check the link annotations"
          message={errorMessage(error)}
        />
      </Grid>
    );
  }
  const errors = value?.errors ?? [];
  if (errors.length === 0) {
    return null;
  }
  return (
    <Grid item xs={12}>
      <WarningPanel
        severity="error"
        title={`${errors.length} link${
          errors.length === 1 ? '' : 's'
        } not applied: the name belongs to another entity`}
        defaultExpanded
      >
        {errors.map(e => (
          <Typography
            key={`${e.annotation} ${e.value}`}
            variant="body2"
            component="p"
          >
            {formatAnnotationError(e)}
          </Typography>
        ))}
      </WarningPanel>
    </Grid>
  );
};
