import { ReactNode } from 'react';
import { Route, Routes, useLocation, useParams } from 'react-router-dom';
import { ConsumerGroupListLocationState } from '../ConsumerGroupTable/links';
import { ConsumerGroupDetail } from './ConsumerGroupDetail';

/**
 * Props of {@link ConsumerGroupRoutes}.
 *
 * @public
 */
export interface ConsumerGroupRoutesProps {
  /** The list view, shown at every other path below the routes' own. */
  children: ReactNode;
  /**
   * Path segment before `<environment>/<groupId>` of detail pages, for
   * views where the list is not the only content (e.g. `consumer-groups`).
   */
  prefix?: string;
  /** Reload interval of the detail page; false: only on demand. */
  refreshIntervalMs?: number | false;
}

const DetailRoute = ({
  refreshIntervalMs,
}: {
  refreshIntervalMs?: number | false;
}) => {
  const { environment = '', groupId = '' } = useParams();
  const state = useLocation().state as ConsumerGroupListLocationState | null;
  // Relative to this route: '..' is where the list is mounted.
  return (
    <ConsumerGroupDetail
      key={`${environment}/${groupId}`}
      environment={environment}
      groupId={groupId}
      backLink={`..${state?.listSearch ?? ''}`}
      refreshIntervalMs={refreshIntervalMs}
    />
  );
};

/**
 * A consumer group list with linkable detail pages beneath it: the list at
 * the current path (and any path the detail route does not match, so other
 * nested routes keep working), a group at
 * `[prefix/]<environment>/<groupId>`. Links from the list use
 * `consumerGroupDetailPath` with the same prefix.
 *
 * @public
 */
export const ConsumerGroupRoutes = ({
  children,
  prefix,
  refreshIntervalMs,
}: ConsumerGroupRoutesProps) => (
  <Routes>
    <Route path="*" element={<>{children}</>} />
    <Route
      path={`${prefix ? `${prefix}/` : ''}:environment/:groupId`}
      element={<DetailRoute refreshIntervalMs={refreshIntervalMs} />}
    />
  </Routes>
);
