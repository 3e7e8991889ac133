import {
  InfoCard,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useMemo } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  AnnotationError,
  applicationPrefix,
  formatAnnotationError,
  KAFKA_HUB_ANNOTATIONS,
  parseKafkaAnnotations,
  kafkaHubEntityChannel,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ProvisioningAlert } from '../ProvisioningAlert';
import { useApplicationList } from '../ProvisioningCommon';
import { EntityProvisioningCard } from './EntityProvisioningCard';
import { EntityLinkErrors } from './EntityLinkErrors';
import { EntityTopicsCard } from '../EntityTopicsCard';

/**
 * The entity `Kafka` tab: the provisioning banner, the provisioning of each
 * environment with retry, what the entity declares (application, namespace,
 * environments, topics, linked groups and subjects), every malformed
 * annotation named with its bad value, the claim error of a slug
 * another entity holds (with the links it therefore does not make), and
 * the application's topics as the broker has them, with their drift.
 */
export const EntityKafkaContent = () => {
  const { entity } = useEntity();
  const { value, errors } = parseKafkaAnnotations(entity);
  const entityRef = stringifyEntityRef(entity);
  const request = useMemo(() => ({ entityRef }), [entityRef]);
  const provisioning = useApplicationList(request, {
    poll: true,
    pollWhileEmpty: true,
    channel: kafkaHubEntityChannel(entityRef),
  });
  const items = provisioning.value?.items ?? [];
  const app =
    items.find(i => i.entityRef.toLocaleLowerCase('en-US') === entityRef) ??
    items[0];

  // Errors Kafka Hub recorded on a slug that parses fine: another entity
  // holds the namespace (or one overlapping it), so this entity is not
  // provisioned and links nothing.
  const claimErrors = (app?.annotationErrors ?? []).filter(
    (e): e is AnnotationError =>
      e.annotation === KAFKA_HUB_ANNOTATIONS.application &&
      !errors.some(c => c.annotation === e.annotation),
  );
  const declaredLinks = [
    ...value.consumerGroups.map(
      g => `${g.source}: ${g.environment}/${g.groupId}`,
    ),
    ...value.schemaSubjects.map(
      s =>
        `${KAFKA_HUB_ANNOTATIONS.schemaSubjects}: ${s.environment}/${s.subject}`,
    ),
  ];
  const linked = claimErrors.length === 0;

  const prefix = value.application ? applicationPrefix(value.application) : '';
  const metadata: Record<string, string> = {};
  if (value.application) {
    metadata.Application = value.application;
    metadata.Namespace = `${prefix}*`;
  }
  metadata.Environments = value.environments?.join(', ') ?? 'All configured';
  metadata.Topics =
    value.topics
      .map(
        t =>
          `${prefix}${t.name}${
            t.partitions ? ` (${t.partitions} partitions)` : ''
          }`,
      )
      .join(', ') || 'None declared';
  if (value.consumerGroups.length > 0) {
    metadata[linked ? 'Linked consumer groups' : 'Consumer groups not linked'] =
      value.consumerGroups.map(g => `${g.environment}/${g.groupId}`).join(', ');
  }
  if (value.schemaSubjects.length > 0) {
    metadata[linked ? 'Linked schema subjects' : 'Schema subjects not linked'] =
      value.schemaSubjects.map(s => `${s.environment}/${s.subject}`).join(', ');
  }

  return (
    <Grid container spacing={3}>
      {provisioning.value && (
        <Grid item xs={12}>
          <ProvisioningAlert
            entityRef={entityRef}
            applications={app ? [app] : []}
            onChange={provisioning.refresh}
          />
        </Grid>
      )}
      {claimErrors.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            title="Not provisioned and links nothing: the namespace belongs to another entity"
            defaultExpanded
          >
            {claimErrors.map(error => (
              <Typography key={error.message} variant="body2" component="p">
                {formatAnnotationError(error)}
              </Typography>
            ))}
            {declaredLinks.length > 0 && (
              <Typography variant="body2" component="p">
                Not linked: {declaredLinks.join('; ')}
              </Typography>
            )}
          </WarningPanel>
        </Grid>
      )}
      {errors.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            title={`${errors.length} malformed Kafka Hub annotation${
              errors.length === 1 ? '' : 's'
            }`}
            defaultExpanded
          >
            {errors.map(error => (
              <Typography key={error.annotation} variant="body2" component="p">
                {formatAnnotationError(error)}
              </Typography>
            ))}
          </WarningPanel>
        </Grid>
      )}
      {(value.consumerGroups.length > 0 || value.schemaSubjects.length > 0) && (
        <EntityLinkErrors entityRef={entityRef} />
      )}
      {/* Side by side only on wide screens: both hold long texts. */}
      <Grid item xs={12} xl={8}>
        <EntityProvisioningCard
          app={app}
          loading={provisioning.loading}
          error={provisioning.error}
          onChange={provisioning.refresh}
        />
      </Grid>
      <Grid item xs={12} xl={4}>
        <InfoCard title="Kafka application">
          <StructuredMetadataTable metadata={metadata} />
        </InfoCard>
      </Grid>
      {value.application && (
        <Grid item xs={12}>
          <EntityTopicsCard entityRef={entityRef} />
        </Grid>
      )}
    </Grid>
  );
};
