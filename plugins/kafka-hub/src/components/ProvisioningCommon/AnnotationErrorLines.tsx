import {
  AnnotationError,
  formatAnnotationError,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Typography from '@material-ui/core/Typography';

/** Annotation errors, one paragraph each, as the catalog annotation reads. */
export const AnnotationErrorLines = ({
  errors,
}: {
  errors: readonly AnnotationError[];
}) => (
  <>
    {errors.map(e => (
      <Typography
        key={`${e.annotation} ${e.value} ${e.message}`}
        variant="body2"
        component="p"
      >
        {formatAnnotationError(e)}
      </Typography>
    ))}
  </>
);
