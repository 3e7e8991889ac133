import { useCallback, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  kafkaHubAdminRetryPermission,
  NamespaceClaim,
} from '@internal/plugin-kafka-hub-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { errorMessage, RelativeTime } from '../ProvisioningCommon';

const PAGE_SIZE = 25;

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
  const [page, setPage] = useState(0);
  const [releasing, setReleasing] = useState<NamespaceClaim>();
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.listNamespaceClaims({ limit: PAGE_SIZE, offset: page * PAGE_SIZE }),
    [api, page],
  );
  const onReleased = useCallback(() => {
    setReleasing(undefined);
    retry();
  }, [retry]);

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the namespace claims"
      />
    );
  } else if (!value || value.total === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        No namespace is claimed yet: the first entity to declare a slug claims
        it at the next reconcile.
      </Typography>
    );
  } else {
    content = (
      <>
        <Table size="small" aria-label="Namespace claims">
          <TableHead>
            <TableRow>
              <TableCell>Application</TableCell>
              <TableCell>Holder</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Claimed</TableCell>
              <TableCell>Holder missing since</TableCell>
              {canRelease && <TableCell />}
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(claim => (
              <TableRow key={claim.application}>
                <TableCell>
                  <Typography variant="body2">
                    <strong>{claim.application}</strong>
                  </Typography>
                  <code>{claim.prefix}*</code>
                </TableCell>
                <TableCell>
                  <EntityRefLink entityRef={claim.entityRef} />
                </TableCell>
                <TableCell>
                  {claim.ownerRef ? (
                    <EntityRefLink entityRef={claim.ownerRef} />
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  <RelativeTime iso={claim.claimedAt} />
                </TableCell>
                <TableCell>
                  {claim.holderMissingSince ? (
                    <>
                      <RelativeTime iso={claim.holderMissingSince} />
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        component="div"
                      >
                        released <RelativeTime iso={claim.releasesAt} />
                      </Typography>
                    </>
                  ) : (
                    '—'
                  )}
                </TableCell>
                {canRelease && (
                  <TableCell align="right">
                    <Button
                      size="small"
                      variant="outlined"
                      aria-label={`Release ${claim.application}`}
                      onClick={() => setReleasing(claim)}
                    >
                      Release
                    </Button>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {value.total > PAGE_SIZE && (
          <TablePagination
            component="div"
            count={value.total}
            page={page}
            rowsPerPage={PAGE_SIZE}
            rowsPerPageOptions={[PAGE_SIZE]}
            onPageChange={(_, next) => setPage(next)}
          />
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Namespace claims"
      subheader="The first entity to declare an application slug owns its namespace; others get an error until the claim is released."
    >
      {content}
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
