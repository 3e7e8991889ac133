import { useCallback, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  kafkaHubAdminRetryPermission,
  NamespaceClaim,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { kafkaHubApiRef } from '../../api';
import { errorMessage, RelativeTime } from '../ProvisioningCommon';
import { PagedTable, PagedTableColumn } from './PagedTable';

const ReleaseDialog = ({
  claim,
  onClose,
  onReleased,
}: {
  claim: NamespaceClaim;
  onClose: () => void;
  onReleased: () => void;
}) => {
  const api = useApi(kafkaHubApiRef);
  const alertApi = useApi(alertApiRef);
  const [pending, setPending] = useState(false);
  const release = async () => {
    setPending(true);
    try {
      await api.releaseNamespaceClaim(claim.application);
      alertApi.post({
        message: `Released the namespace claim of "${claim.application}"`,
        severity: 'success',
        display: 'transient',
      });
      onReleased();
    } catch (e) {
      alertApi.post({
        message: `Could not release the namespace claim of "${
          claim.application
        }": ${errorMessage(e)}`,
        severity: 'error',
      });
      onClose();
    }
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby="release-claim-title">
      <DialogTitle id="release-claim-title">
        Release the namespace claim of "{claim.application}"?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          <code>{claim.prefix}*</code> stops belonging to {claim.entityRef}
          {claim.ownerRef ? ` (owner ${claim.ownerRef})` : ''}. The next
          reconcile gives it to the first entity that declares the slug, the
          holder again if it still does. Topics and ACLs on the clusters stay as
          they are. The release is audited.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button
          onClick={release}
          color="secondary"
          variant="contained"
          disabled={pending}
        >
          Release
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * Which entity holds each application slug's namespace, since when, and
 * whether its holder has gone missing (and when the claim goes); admins
 * with `kafka-hub.admin.retry` can release a claim.
 */
export const NamespaceClaimsCard = () => {
  const api = useApi(kafkaHubApiRef);
  const canRelease = usePermission({
    permission: kafkaHubAdminRetryPermission,
  }).allowed;
  const [releasing, setReleasing] = useState<NamespaceClaim>();
  const [releases, setReleases] = useState(0);
  const load = useCallback(
    (page: { limit: number; offset: number }) => api.listNamespaceClaims(page),
    [api],
  );
  const onReleased = useCallback(() => {
    setReleasing(undefined);
    setReleases(n => n + 1);
  }, []);

  const columns: PagedTableColumn<NamespaceClaim>[] = [
    {
      title: 'Application',
      render: claim => (
        <>
          <Typography variant="body2">
            <strong>{claim.application}</strong>
          </Typography>
          <code>{claim.prefix}*</code>
        </>
      ),
    },
    {
      title: 'Holder',
      render: claim => <EntityRefLink entityRef={claim.entityRef} />,
    },
    {
      title: 'Owner',
      render: claim =>
        claim.ownerRef ? <EntityRefLink entityRef={claim.ownerRef} /> : '—',
    },
    {
      title: 'Claimed',
      render: claim => <RelativeTime iso={claim.claimedAt} />,
    },
    {
      title: 'Holder missing since',
      render: claim =>
        claim.holderMissingSince ? (
          <>
            <RelativeTime iso={claim.holderMissingSince} />
            <Typography variant="caption" color="textSecondary" component="div">
              released <RelativeTime iso={claim.releasesAt} />
            </Typography>
          </>
        ) : (
          '—'
        ),
    },
  ];
  if (canRelease) {
    columns.push({
      align: 'right',
      render: claim => (
        <Button
          size="small"
          variant="outlined"
          aria-label={`Release ${claim.application}`}
          onClick={() => setReleasing(claim)}
        >
          Release
        </Button>
      ),
    });
  }

  return (
    <InfoCard
      title="Namespace claims"
      subheader="The first entity to declare an application slug owns its namespace; others get an error until the claim is released."
    >
      <PagedTable
        ariaLabel="Namespace claims"
        load={load}
        reloadKey={releases}
        errorTitle="Could not load the namespace claims"
        empty="No namespace is claimed yet: the first entity to declare a slug claims it at the next reconcile."
        rowKey={claim => claim.application}
        columns={columns}
      />
      {releasing && (
        <ReleaseDialog
          claim={releasing}
          onClose={() => setReleasing(undefined)}
          onReleased={onReleased}
        />
      )}
    </InfoCard>
  );
};
