import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { kafkaHubAdminReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { adminRouteRef } from '../../../routes';
import {
  catalogRoutes,
  kafkaHubTestApi,
} from '../../ProvisioningCommon/__testUtils__';
import { KafkaHubPage } from '../KafkaHubPage';

/**
 * Says once the caller's `kafka-hub.admin.read` is decided: the page's own
 * check shares the decision (usePermission caches it), so from then on
 * the link is there or not for good.
 */
const AdminDecided = () => {
  const { loading, allowed } = usePermission({
    permission: kafkaHubAdminReadPermission,
  });
  return loading ? null : <div>{`admin read: ${allowed}`}</div>;
};

/**
 * `/kafka-hub` in a legacy test app whose permission API answers
 * `kafka-hub.admin.read` with `decision`. Decisions are cached per test
 * file (usePermission), so each file tests one.
 */
export function renderKafkaHubPage(options: {
  decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  adminMounted: boolean;
}) {
  return renderInTestApp(
    <>
      <KafkaHubPage />
      <AdminDecided />
    </>,
    {
      mountPath: '/kafka-hub',
      initialRouteEntries: ['/kafka-hub'],
      mountedRoutes: {
        ...catalogRoutes,
        ...(options.adminMounted ? { '/kafka-hub/admin': adminRouteRef } : {}),
      },
      apis: [
        kafkaHubTestApi(),
        mockApis.permission({ authorize: options.decision }),
      ],
    },
  );
}
