import { FormEvent, useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  SchemaCompatibilityResult,
  SchemaFormat,
  SchemaReference,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { kafkaHubApiRef } from '../../api';
import { errorMessage } from '../ProvisioningCommon';
import { FORMAT_LABELS } from '../SchemaTable/SchemaBadges';
import { versionsText } from './versionCompatibilityText';

const useStyles = makeStyles(theme => ({
  editor: {
    fontFamily: 'monospace',
    fontSize: 13,
  },
  result: { marginTop: theme.spacing(2) },
  messages: {
    margin: theme.spacing(1, 0, 0),
    paddingLeft: theme.spacing(2.5),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

export interface CheckCompatibilityDialogProps {
  open: boolean;
  onClose: () => void;
  environment: string;
  subject: string;
  format: SchemaFormat;
  /** Compatibility level the registry applies, shown for context. */
  compatibility?: string;
  /** Text the editor starts with, e.g. the latest version. */
  initialSchema?: string;
  /**
   * References sent with the proposed schema, e.g. the latest version's, so
   * a schema that uses types of other subjects can be resolved.
   */
  references?: SchemaReference[];
}

type Outcome =
  | { kind: 'result'; result: SchemaCompatibilityResult }
  | { kind: 'error'; message: string };

/** What a compatible verdict was checked against, in words. */
function compatibleText(result: SchemaCompatibilityResult, subject: string) {
  if (result.against.length > 0) {
    return `The registry accepts this schema as the next version of ${subject}: compatible with ${versionsText(
      result.against,
    )} under ${result.level}.`;
  }
  if (result.level === 'NONE') {
    return `Under NONE the registry accepts any schema as the next version of ${subject}; nothing was compared.`;
  }
  return `${subject} has no live version: the registry accepts any schema as its next version.`;
}

/**
 * Asks the subject's Schema Registry whether a proposed schema is
 * compatible with the versions its level covers (as registration would
 * check), and shows the verdict with the versions checked and the
 * registry's messages, or why the check could not run.
 */
export const CheckCompatibilityDialog = (
  props: CheckCompatibilityDialogProps,
) => {
  const {
    open,
    onClose,
    environment,
    subject,
    format,
    compatibility,
    initialSchema = '',
    references = [],
  } = props;
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const [schema, setSchema] = useState(initialSchema);
  const [checking, setChecking] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  useEffect(() => {
    if (open) {
      setSchema(initialSchema);
      setOutcome(undefined);
    }
  }, [open, initialSchema]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setOutcome(undefined);
    try {
      const result = await api.checkSchemaCompatibility(environment, subject, {
        schema,
        schemaType: format,
        ...(references.length > 0 ? { references } : {}),
      });
      setOutcome({ kind: 'result', result });
    } catch (e) {
      setOutcome({ kind: 'error', message: errorMessage(e) });
    } finally {
      setChecking(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="check-compatibility-title"
    >
      <form onSubmit={submit}>
        <DialogTitle id="check-compatibility-title">
          Check compatibility
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            The {environment} Schema Registry checks the proposed{' '}
            {FORMAT_LABELS[format] ?? format} schema as it would at
            registration: against the latest version of{' '}
            <strong>{subject}</strong> under BACKWARD, FORWARD and FULL, against
            each version under the transitive levels
            {compatibility ? ` (its level is ${compatibility})` : ''}. Nothing
            is registered.
            {references.length > 0 &&
              ` It is sent with the references of the latest version: ${references
                .map(r => `${r.subject} v${r.version}`)
                .join(', ')}.`}
          </DialogContentText>
          <TextField
            id="check-compatibility-schema"
            label="Proposed schema"
            multiline
            minRows={12}
            maxRows={24}
            fullWidth
            variant="outlined"
            value={schema}
            onChange={e => {
              setSchema(e.target.value);
              setOutcome(undefined);
            }}
            InputProps={{ classes: { input: classes.editor } }}
            inputProps={{ spellCheck: false }}
          />
          {outcome?.kind === 'result' && outcome.result.compatible && (
            <Alert severity="success" className={classes.result}>
              <AlertTitle>Compatible</AlertTitle>
              {compatibleText(outcome.result, subject)}
            </Alert>
          )}
          {outcome?.kind === 'result' && !outcome.result.compatible && (
            <Alert severity="error" className={classes.result}>
              <AlertTitle>Not compatible</AlertTitle>
              {outcome.result.against.length > 0 &&
                `It breaks ${versionsText(outcome.result.against)} under ${
                  outcome.result.level
                }.`}
              {outcome.result.messages.length > 0 ? (
                <ul className={classes.messages} aria-label="Registry messages">
                  {outcome.result.messages.map((message, i) => (
                    <li key={i}>{message}</li>
                  ))}
                </ul>
              ) : (
                'The registry rejects this schema and gave no further detail.'
              )}
            </Alert>
          )}
          {outcome?.kind === 'error' && (
            <Alert severity="warning" className={classes.result}>
              <AlertTitle>The check could not run</AlertTitle>
              {outcome.message}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Close</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={checking || schema.trim() === ''}
            startIcon={
              checking ? (
                <CircularProgress size={16} color="inherit" />
              ) : undefined
            }
          >
            Check
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
