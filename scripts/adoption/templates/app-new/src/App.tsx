import { createApp } from '@backstage/frontend-defaults';

// Every plugin of package.json is discovered (`app.packages: all` in
// app-config.yaml): adding @kafka-hub/backstage-plugin-kafka-hub installs it.
export default createApp();
