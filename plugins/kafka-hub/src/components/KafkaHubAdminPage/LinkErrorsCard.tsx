import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { formatAnnotationError } from '@internal/plugin-kafka-hub-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { RelativeTime } from '../ProvisioningCommon';

const PAGE_SIZE = 25;

/**
 * Every entity whose link annotations link nothing: a group or subject
 * inside another entity's namespace, or a name another entity linked
 * first. They never block provisioning.
 */
export const LinkErrorsCard = () => {
  const api = useApi(kafkaHubApiRef);
  const [page, setPage] = useState(0);
  const { value, loading, error } = useAsyncRetry(
    () => api.listLinkErrors({ limit: PAGE_SIZE, offset: page * PAGE_SIZE }),
    [api, page],
  );

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the link conflicts"
      />
    );
  } else if (!value || value.total === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        Every link annotation links what it names.
      </Typography>
    );
  } else {
    content = (
      <>
        <Table size="small" aria-label="Link conflicts">
          <TableHead>
            <TableRow>
              <TableCell>Entity</TableCell>
              <TableCell>Annotations that link nothing</TableCell>
              <TableCell>Since</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(item => (
              <TableRow key={item.entityRef}>
                <TableCell>
                  <EntityRefLink entityRef={item.entityRef} />
                </TableCell>
                <TableCell>
                  {item.errors.map(e => (
                    <Typography
                      key={`${e.annotation} ${e.value}`}
                      variant="body2"
                      component="p"
                    >
                      {formatAnnotationError(e)}
                    </Typography>
                  ))}
                </TableCell>
                <TableCell>
                  <RelativeTime iso={item.updatedAt} />
                </TableCell>
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
      title="Link conflicts"
      subheader="Link annotations only reach names outside every claimed namespace, and a name belongs to the first entity that linked it."
    >
      {content}
    </InfoCard>
  );
};
