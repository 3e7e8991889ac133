import { useCallback } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { EntityLinkErrors } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubApiRef } from '../../api';
import { AnnotationErrorLines, RelativeTime } from '../ProvisioningCommon';
import { PagedTable, PagedTableColumn } from './PagedTable';

const COLUMNS: PagedTableColumn<EntityLinkErrors>[] = [
  {
    title: 'Entity',
    render: item => <EntityRefLink entityRef={item.entityRef} />,
    noWrap: true,
  },
  {
    title: 'Annotations that link nothing',
    render: item => <AnnotationErrorLines errors={item.errors} />,
  },
  {
    title: 'Since',
    render: item => <RelativeTime iso={item.updatedAt} />,
    noWrap: true,
  },
];

/**
 * Every entity whose link annotations link nothing: a group or subject
 * inside another entity's namespace, or a name another entity linked
 * first. They never block provisioning.
 */
export const LinkErrorsCard = () => {
  const api = useApi(kafkaHubApiRef);
  const load = useCallback(
    (page: { limit: number; offset: number }) => api.listLinkErrors(page),
    [api],
  );
  return (
    <InfoCard
      title="Link conflicts"
      subheader="Link annotations only reach names outside every claimed namespace, and a name belongs to the first entity that linked it."
    >
      <PagedTable
        ariaLabel="Link conflicts"
        load={load}
        errorTitle="Could not load the link conflicts"
        empty="Every link annotation links what it names."
        rowKey={item => item.entityRef}
        columns={COLUMNS}
      />
    </InfoCard>
  );
};
