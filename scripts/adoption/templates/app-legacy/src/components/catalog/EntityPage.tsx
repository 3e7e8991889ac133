import { Grid } from '@material-ui/core';
import {
  EntityAboutCard,
  EntityLayout,
  EntitySwitch,
  isKind,
} from '@backstage/plugin-catalog';
import {
  EntityConsumerGroupsContent,
  EntityGroupKafkaContent,
  EntityKafkaContent,
  EntitySchemasContent,
  isKafkaHubApplication,
  isKafkaHubConsumerGroupsAvailable,
} from '@kafka-hub/backstage-plugin-kafka-hub';

const overviewContent = (
  <Grid container spacing={3}>
    <Grid item md={6}>
      <EntityAboutCard variant="gridItem" />
    </Grid>
  </Grid>
);

const componentPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route path="/kafka" title="Kafka" if={isKafkaHubApplication}>
      <EntityKafkaContent />
    </EntityLayout.Route>
    <EntityLayout.Route
      path="/schemas"
      title="Schemas"
      if={isKafkaHubApplication}
    >
      <EntitySchemasContent />
    </EntityLayout.Route>
    <EntityLayout.Route
      path="/consumer-groups"
      title="Consumer groups"
      if={isKafkaHubConsumerGroupsAvailable}
    >
      <EntityConsumerGroupsContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const groupPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route path="/kafka" title="Kafka">
      <EntityGroupKafkaContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const defaultPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('component')} children={componentPage} />
    <EntitySwitch.Case if={isKind('group')} children={groupPage} />
    <EntitySwitch.Case>{defaultPage}</EntitySwitch.Case>
  </EntitySwitch>
);
