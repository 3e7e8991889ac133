import { ChangeEvent, Fragment, useMemo, useState } from 'react';
import { ConsumerGroupMember } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { IdText, useTableTextStyles } from '../ListControls';

/**
 * Props of {@link ConsumerGroupMembersTable}.
 *
 * @public
 */
export interface ConsumerGroupMembersTableProps {
  /** The group's members, from `KafkaHubApi.getConsumerGroup`. */
  members: ConsumerGroupMember[];
  /** Rows per page. */
  pageSize?: number;
}

const useStyles = makeStyles({
  // Hosts and counts are short: kept on one line, the ids wrap instead.
  host: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
  nowrap: { whiteSpace: 'nowrap' },
  topic: { fontFamily: 'monospace' },
  // Browsers may break after an en dash: "0–" / "2" at 1280 px.
  range: { whiteSpace: 'nowrap' },
});

type Assignments = ConsumerGroupMember['assignments'];

const sameAssignments = (a: Assignments, b: Assignments) =>
  JSON.stringify(a) === JSON.stringify(b);

const AssignmentLines = ({
  assignments,
  prefix = '',
}: {
  assignments: Assignments;
  prefix?: string;
}) => {
  const classes = useStyles();
  return (
    <>
      {[...assignments]
        .sort((a, b) => a.topic.localeCompare(b.topic))
        .map(a => (
          <Typography
            key={a.topic}
            variant="body2"
            display="block"
            component="span"
          >
            {prefix}
            <span className={classes.topic}>{a.topic}</span>
            {': '}
            {partitionRanges(a.partitions)
              .split(', ')
              .map((range, i) => (
                <Fragment key={range}>
                  {i > 0 && ', '}
                  <span className={classes.range}>{range}</span>
                </Fragment>
              ))}
          </Typography>
        ))}
    </>
  );
};

/** Partition numbers as ranges: `0–3, 5, 7–8`. */
export function partitionRanges(partitions: number[]): string {
  const sorted = [...new Set(partitions)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let prev = sorted[0];
  for (let i = 1; i <= sorted.length; i++) {
    const n = sorted[i];
    if (n !== prev + 1) {
      parts.push(start === prev ? `${start}` : `${start}–${prev}`);
      start = n;
    }
    prev = n;
  }
  return sorted.length ? parts.join(', ') : '';
}

/**
 * The members of a group: member id (and static instance id), client id,
 * host and the partitions assigned to each, by topic. Members of a
 * consumer (KIP-848) group also show their epoch and, while they
 * reconcile, the partitions the coordinator is moving them to. Paged when
 * the group has many members.
 *
 * @public
 */
export const ConsumerGroupMembersTable = ({
  members,
  pageSize: initialPageSize = 25,
}: ConsumerGroupMembersTableProps) => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const sorted = useMemo(
    () =>
      [...members].sort(
        (a, b) =>
          a.clientId.localeCompare(b.clientId) ||
          a.memberId.localeCompare(b.memberId),
      ),
    [members],
  );
  if (members.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No members: no consumer of this group is connected.
      </Typography>
    );
  }
  const withEpochs = members.some(m => m.memberEpoch !== undefined);
  const lastPage = Math.max(0, Math.ceil(sorted.length / pageSize) - 1);
  const shownPage = Math.min(page, lastPage);
  const rows = sorted.slice(shownPage * pageSize, (shownPage + 1) * pageSize);
  return (
    <>
      <TableContainer>
        <Table
          size="small"
          aria-label="Group members"
          className={tableText.table}
        >
          <TableHead>
            <TableRow>
              <TableCell>Member id</TableCell>
              <TableCell>Client id</TableCell>
              <TableCell>Host</TableCell>
              {withEpochs && (
                <TableCell align="right" className={classes.nowrap}>
                  Epoch
                </TableCell>
              )}
              <TableCell align="right" className={classes.nowrap}>
                Partitions
              </TableCell>
              <TableCell>Assigned partitions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(m => {
              const count = m.assignments.reduce(
                (sum, a) => sum + a.partitions.length,
                0,
              );
              return (
                <TableRow key={m.memberId}>
                  <TableCell className={tableText.idCell}>
                    <IdText text={m.memberId} />
                    {m.instanceId && (
                      <Typography
                        variant="caption"
                        display="block"
                        color="textSecondary"
                      >
                        {`instance ${m.instanceId}`}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell className={tableText.idCell}>
                    <IdText text={m.clientId} />
                  </TableCell>
                  <TableCell className={classes.host}>{m.host}</TableCell>
                  {withEpochs && (
                    <TableCell align="right">{m.memberEpoch ?? '—'}</TableCell>
                  )}
                  <TableCell align="right">{count}</TableCell>
                  <TableCell>
                    {m.assignments.length === 0 ? (
                      <Typography variant="body2" color="textSecondary">
                        None
                      </Typography>
                    ) : (
                      <AssignmentLines assignments={m.assignments} />
                    )}
                    {m.targetAssignments &&
                      !sameAssignments(m.assignments, m.targetAssignments) && (
                        <Typography
                          variant="caption"
                          display="block"
                          color="textSecondary"
                          component="div"
                        >
                          Reconciling to:
                          {m.targetAssignments.length === 0 ? (
                            ' none'
                          ) : (
                            <AssignmentLines
                              assignments={m.targetAssignments}
                              prefix="→ "
                            />
                          )}
                        </Typography>
                      )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      {sorted.length > pageSize && (
        <TablePagination
          component="div"
          count={sorted.length}
          page={shownPage}
          rowsPerPage={pageSize}
          rowsPerPageOptions={[10, 25, 50, 100]}
          onPageChange={(_e, next) => setPage(next)}
          onRowsPerPageChange={(e: ChangeEvent<HTMLInputElement>) => {
            setPageSize(Number(e.target.value));
            setPage(0);
          }}
        />
      )}
    </>
  );
};
