import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { kafkaHubAdminReadPermission } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import SettingsApplicationsIcon from '@material-ui/icons/SettingsApplications';
import { adminRouteRef } from '../../routes';

/**
 * Where the admin page is, or undefined when the app has not mounted it (a
 * legacy app without its route, or a new-system app that hid it from the
 * caller). useRouteRef throws then, after running all of its own hooks.
 */
function useAdminPageLink(): string | undefined {
  try {
    return useRouteRef(adminRouteRef)();
  } catch {
    return undefined;
  }
}

const AdminLink = () => {
  const link = useAdminPageLink();
  if (!link) {
    return null;
  }
  return (
    <Box display="flex" justifyContent="flex-end" px={3} pt={2}>
      {/* A link, not a button: it goes somewhere (LinkButton says button). */}
      <LinkButton
        role="link"
        to={link}
        variant="outlined"
        color="primary"
        startIcon={<SettingsApplicationsIcon />}
      >
        Kafka Hub admin
      </LinkButton>
    </Box>
  );
};

/**
 * A link to `/kafka-hub/admin` for callers with `kafka-hub.admin.read`;
 * nothing for everyone else (the admin page would only tell them they may
 * not use it).
 */
export const AdminPageLink = () => {
  const { allowed } = usePermission({
    permission: kafkaHubAdminReadPermission,
  });
  return allowed ? <AdminLink /> : null;
};
