import { createRouteRef } from '@backstage/core-plugin-api';

/** The `/kafka-hub` page. */
export const rootRouteRef = createRouteRef({ id: 'kafka-hub' });

/** The `/kafka-hub/admin` page. */
export const adminRouteRef = createRouteRef({ id: 'kafka-hub:admin' });
