import Grid from '@material-ui/core/Grid';
import { LinkErrorsCard } from './LinkErrorsCard';
import { NamespaceClaimsCard } from './NamespaceClaimsCard';

/** The admin page's Namespace claims tab. */
export const ClaimsTab = () => (
  <Grid container spacing={3}>
    <Grid item xs={12}>
      <NamespaceClaimsCard />
    </Grid>
    <Grid item xs={12}>
      <LinkErrorsCard />
    </Grid>
  </Grid>
);
