import { useMemo, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { SchemaVersion } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import { DiffCell, sideBySideDiff } from './diffRows';
import { prettySchema } from './schemaText';

/** Diff colours that keep the theme's text readable in light and dark mode. */
const diffColors = (theme: Theme) => {
  const dark = theme.palette.type === 'dark';
  return {
    added: dark ? 'rgba(46, 160, 67, 0.25)' : '#e6ffec',
    addedStrong: dark ? 'rgba(46, 160, 67, 0.6)' : '#abf2bc',
    removed: dark ? 'rgba(248, 81, 73, 0.25)' : '#ffebe9',
    removedStrong: dark ? 'rgba(248, 81, 73, 0.6)' : '#ffc1c0',
    addedMarker: dark ? '#7ee787' : '#1a7f37',
    removedMarker: dark ? '#ffa198' : '#cf222e',
  };
};

const useStyles = makeStyles(theme => {
  const colors = diffColors(theme);
  return {
    controls: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'flex-end',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(2),
    },
    select: { minWidth: 180 },
    scroll: {
      overflowX: 'auto',
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
    },
    table: {
      width: '100%',
      borderCollapse: 'collapse',
      tableLayout: 'fixed',
      fontFamily: 'monospace',
      fontSize: 12,
      color: theme.palette.text.primary,
    },
    number: {
      width: 44,
      textAlign: 'right',
      padding: theme.spacing(0, 1),
      color: theme.palette.text.secondary,
      userSelect: 'none',
      verticalAlign: 'top',
    },
    marker: {
      width: 16,
      textAlign: 'center',
      userSelect: 'none',
      verticalAlign: 'top',
      fontWeight: 'bold',
    },
    text: {
      whiteSpace: 'pre-wrap',
      wordBreak: 'break-all',
      padding: theme.spacing(0, 1),
      verticalAlign: 'top',
    },
    divider: { borderLeft: `1px solid ${theme.palette.divider}` },
    added: { backgroundColor: colors.added },
    removed: { backgroundColor: colors.removed },
    addedMarker: { color: colors.addedMarker },
    removedMarker: { color: colors.removedMarker },
    addedWord: { backgroundColor: colors.addedStrong, borderRadius: 2 },
    removedWord: { backgroundColor: colors.removedStrong, borderRadius: 2 },
    empty: {
      backgroundColor: theme.palette.action.hover,
    },
  };
});

export interface SchemaVersionDiffProps {
  /** The subject's versions, newest first. */
  versions: SchemaVersion[];
  /** Version on the left; default: the one before the newest. */
  from?: number;
  /** Version on the right; default: the newest. */
  to?: number;
  /** Called when the user picks other versions. */
  onChange?: (selection: { from: number; to: number }) => void;
}

const versionLabel = (v: SchemaVersion) =>
  `v${v.version}${v.deleted ? ' (deleted)' : ''}`;

/**
 * A side-by-side diff between any two versions of a subject, of their
 * pretty-printed text: removed lines on the left in red, added lines on the
 * right in green, changed words emphasised, with `−`/`+` markers so the
 * change does not rely on colour alone.
 */
export const SchemaVersionDiff = (props: SchemaVersionDiffProps) => {
  const { versions, onChange } = props;
  const classes = useStyles();
  const [own, setOwn] = useState<{ from?: number; to?: number }>({});
  const newest = versions[0]?.version;
  const previous = versions[1]?.version ?? newest;
  const from = props.from ?? own.from ?? previous;
  const to = props.to ?? own.to ?? newest;
  const select = (next: { from: number; to: number }) => {
    setOwn(next);
    onChange?.(next);
  };

  const left = versions.find(v => v.version === from);
  const right = versions.find(v => v.version === to);
  const diff = useMemo(
    () =>
      left && right
        ? sideBySideDiff(
            prettySchema(left.schema, left.format),
            prettySchema(right.schema, right.format),
          )
        : undefined,
    [left, right],
  );

  if (versions.length < 2) {
    return (
      <InfoCard title="Compare versions">
        <Typography variant="body2" color="textSecondary">
          This subject has a single version: there is nothing to compare yet.
        </Typography>
      </InfoCard>
    );
  }

  let summary: string;
  if (!left || !right) {
    summary = 'Choose two versions to compare.';
  } else if (left.version === right.version) {
    summary = 'Choose two different versions to compare.';
  } else if (!diff) {
    summary =
      'These versions differ too much to compare in the browser; open each one instead.';
  } else if (diff.added === 0 && diff.removed === 0) {
    summary =
      left.fingerprint === right.fingerprint
        ? 'The two versions are identical.'
        : 'The two versions read the same once pretty-printed.';
  } else {
    summary = `${diff.added} line${diff.added === 1 ? '' : 's'} added, ${
      diff.removed
    } line${diff.removed === 1 ? '' : 's'} removed`;
  }

  const cell = (side: 'left' | 'right', c?: DiffCell) => {
    if (!c) {
      return (
        <>
          <td className={`${classes.number} ${classes.empty}`} />
          <td className={`${classes.marker} ${classes.empty}`} />
          <td className={`${classes.text} ${classes.empty}`} />
        </>
      );
    }
    const styles = {
      added: {
        kind: classes.added,
        marker: classes.addedMarker,
        symbol: '+',
      },
      removed: {
        kind: classes.removed,
        marker: classes.removedMarker,
        symbol: '−',
      },
      unchanged: { kind: '', marker: '', symbol: '' },
    }[c.kind];
    const kindClass = styles.kind;
    const markerClass = styles.marker;
    const wordClass =
      c.kind === 'added' ? classes.addedWord : classes.removedWord;
    return (
      <>
        <td
          className={`${classes.number} ${kindClass} ${
            side === 'right' ? classes.divider : ''
          }`}
        >
          {c.line}
        </td>
        <td
          className={`${classes.marker} ${kindClass} ${markerClass}`}
          aria-hidden="true"
        >
          {styles.symbol}
        </td>
        <td
          className={`${classes.text} ${kindClass}`}
          data-kind={c.kind}
          data-side={side}
        >
          {c.segments
            ? c.segments.map((s, i) =>
                s.changed ? (
                  <span key={i} className={wordClass}>
                    {s.text}
                  </span>
                ) : (
                  <span key={i}>{s.text}</span>
                ),
              )
            : c.text}
        </td>
      </>
    );
  };

  const versionSelect = (
    id: string,
    label: string,
    value: number,
    onSelect: (v: number) => void,
  ) => (
    <FormControl className={classes.select}>
      <InputLabel id={`schema-diff-${id}`}>{label}</InputLabel>
      <Select
        labelId={`schema-diff-${id}`}
        // The shown version belongs in the accessible name after the label.
        SelectDisplayProps={{ id: `schema-diff-${id}-value` }}
        value={value}
        onChange={e => onSelect(Number(e.target.value))}
      >
        {versions.map(v => (
          <MenuItem key={v.version} value={v.version}>
            {versionLabel(v)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );

  return (
    <InfoCard title="Compare versions" subheader={summary}>
      <Box className={classes.controls}>
        {versionSelect('from', 'Left version', from, v =>
          select({ from: v, to }),
        )}
        {versionSelect('to', 'Right version', to, v => select({ from, to: v }))}
        <Button
          size="small"
          startIcon={<SwapHorizIcon />}
          onClick={() => select({ from: to, to: from })}
        >
          Swap
        </Button>
      </Box>
      {left && right && diff && diff.added + diff.removed > 0 && (
        <Box className={classes.scroll}>
          <table
            className={classes.table}
            aria-label={`Differences between v${left.version} and v${right.version}`}
          >
            <colgroup>
              <col style={{ width: 44 }} />
              <col style={{ width: 16 }} />
              <col />
              <col style={{ width: 44 }} />
              <col style={{ width: 16 }} />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th colSpan={3} scope="colgroup">
                  {versionLabel(left)}
                </th>
                <th colSpan={3} scope="colgroup" className={classes.divider}>
                  {versionLabel(right)}
                </th>
              </tr>
            </thead>
            <tbody>
              {diff.rows.map((row, i) => (
                <tr key={i}>
                  {cell('left', row.left)}
                  {cell('right', row.right)}
                </tr>
              ))}
            </tbody>
          </table>
        </Box>
      )}
    </InfoCard>
  );
};
