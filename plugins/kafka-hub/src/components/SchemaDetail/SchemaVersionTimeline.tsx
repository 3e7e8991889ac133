import { SchemaVersion } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Timeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import { RelativeTime } from '../ProvisioningCommon';
import { versionCompatibilityText } from './versionCompatibilityText';

const useStyles = makeStyles(theme => ({
  timeline: { padding: 0, margin: 0 },
  opposite: {
    flex: '0 0 56px',
    padding: theme.spacing(0.75, 1, 0, 0),
    textAlign: 'right',
  },
  content: { paddingTop: theme.spacing(0.25) },
  // A bar in the primary colour and an outline mark the selection, not a
  // tint: the theme's secondary text is below AA contrast on any grey tint
  // of the light card (4.4:1 on the selected one, 4.47:1 on the hover one).
  selected: {
    boxShadow: `inset 3px 0 0 ${theme.palette.primary.main}, inset 0 0 0 1px ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  deleted: { textDecoration: 'line-through' },
  chips: { display: 'inline-flex', gap: theme.spacing(0.5), marginLeft: 8 },
  compatibility: {
    display: 'flex',
    alignItems: 'baseline',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    margin: theme.spacing(0.5, 0),
  },
  actions: { display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' },
}));

export interface SchemaVersionTimelineProps {
  /** The subject's versions, newest first. */
  versions: SchemaVersion[];
  /** The version being viewed, highlighted. */
  selected?: number;
  /** Called to view a version. */
  onSelect?: (version: number) => void;
  /** Called to diff a version against the one before it. */
  onCompare?: (selection: { from: number; to: number }) => void;
}

/**
 * The versions of a subject on a vertical timeline, newest first, each with
 * its global id, the time Kafka Hub first saw it (the registry does not
 * record registration times) and its compatibility with the versions before
 * it under the level in force then; deleted versions are marked.
 */
export const SchemaVersionTimeline = (props: SchemaVersionTimelineProps) => {
  const { versions, selected, onSelect, onCompare } = props;
  const classes = useStyles();
  const latestLive = versions.find(v => !v.deleted)?.version;
  // Filled for the latest live version, outlined for older ones, grey for
  // deleted ones (the theme's secondary colour reads as an error).
  const dotColor = (v: SchemaVersion) => (v.deleted ? 'grey' : 'primary');

  return (
    <>
      <Typography variant="body2" color="textSecondary" paragraph>
        The Schema Registry does not record when a version was registered: times
        are when Kafka Hub first saw each version, and compatibility is the
        registry's answer, asked then, under the level in force then.
      </Typography>
      {versions.length === 0 ? (
        <Typography variant="body2">No version has been synced yet.</Typography>
      ) : (
        <Timeline
          className={classes.timeline}
          aria-label="Version history, newest first"
        >
          {versions.map((v, index) => {
            const older = versions[index + 1];
            const compatibility = versionCompatibilityText(v.compatibility);
            return (
              <TimelineItem
                key={v.version}
                aria-label={`Version ${v.version}${
                  v.deleted ? ', deleted' : ''
                }`}
                aria-current={selected === v.version ? 'true' : undefined}
              >
                <TimelineOppositeContent className={classes.opposite}>
                  <Typography
                    variant="subtitle2"
                    className={v.deleted ? classes.deleted : undefined}
                  >
                    v{v.version}
                  </Typography>
                </TimelineOppositeContent>
                <TimelineSeparator>
                  <TimelineDot
                    color={dotColor(v)}
                    variant={v.version === latestLive ? 'default' : 'outlined'}
                  />
                  {index < versions.length - 1 && <TimelineConnector />}
                </TimelineSeparator>
                <TimelineContent className={classes.content}>
                  <Box
                    px={1}
                    pb={1}
                    className={
                      selected === v.version ? classes.selected : undefined
                    }
                  >
                    <Typography variant="body2" component="div">
                      Global id {v.globalId}
                      <span className={classes.chips}>
                        {v.version === latestLive && (
                          <Chip size="small" color="primary" label="Latest" />
                        )}
                        {v.deleted && <Chip size="small" label="Deleted" />}
                      </span>
                    </Typography>
                    <Typography
                      variant="body2"
                      component="div"
                      className={classes.compatibility}
                    >
                      <Chip
                        size="small"
                        variant={compatibility.notable ? 'default' : 'outlined'}
                        label={compatibility.label}
                      />
                      <span>{compatibility.detail}</span>
                    </Typography>
                    <Typography variant="caption" color="textSecondary">
                      First seen <RelativeTime iso={v.firstSeenAt} />
                    </Typography>
                    {(onSelect || (onCompare && older)) && (
                      <Box className={classes.actions}>
                        {onSelect && (
                          <Button
                            size="small"
                            color="primary"
                            disabled={selected === v.version}
                            onClick={() => onSelect(v.version)}
                            aria-label={`View v${v.version}`}
                          >
                            View
                          </Button>
                        )}
                        {onCompare && older && (
                          <Button
                            size="small"
                            onClick={() =>
                              onCompare({
                                from: older.version,
                                to: v.version,
                              })
                            }
                          >
                            Diff with v{older.version}
                          </Button>
                        )}
                      </Box>
                    )}
                  </Box>
                </TimelineContent>
              </TimelineItem>
            );
          })}
        </Timeline>
      )}
    </>
  );
};
