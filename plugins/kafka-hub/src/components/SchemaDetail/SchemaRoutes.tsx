import { ReactNode } from 'react';
import { Route, Routes, useLocation, useParams } from 'react-router-dom';
import {
  SchemaListLocationState,
  schemaDetailPath,
} from '../SchemaTable/links';
import { SchemaDetail } from './SchemaDetail';

/**
 * Props of {@link SchemaRoutes}.
 *
 * @public
 */
export interface SchemaRoutesProps {
  /** The list view, shown at the routes' own path. */
  children: ReactNode;
  /**
   * Path segment before `<environment>/<subject>` of detail pages, for
   * views where the list is not the only content (e.g. `schemas`).
   */
  prefix?: string;
}

const DetailRoute = ({ prefix }: { prefix?: string }) => {
  const { environment = '', subject = '' } = useParams();
  const state = useLocation().state as SchemaListLocationState | null;
  // Relative to this route: '..' is where the list is mounted.
  return (
    <SchemaDetail
      key={`${environment}/${subject}`}
      environment={environment}
      subject={subject}
      backLink={`..${state?.listSearch ?? ''}`}
      subjectLink={(env, name) => `../${schemaDetailPath(env, name, prefix)}`}
    />
  );
};

/**
 * A schema list with linkable detail pages beneath it: the list at the
 * current path, a subject at `[prefix/]<environment>/<subject>`. Links from
 * the list use {@link schemaDetailPath} with the same prefix.
 *
 * @public
 */
export const SchemaRoutes = ({ children, prefix }: SchemaRoutesProps) => (
  <Routes>
    <Route path="/" element={<>{children}</>} />
    <Route
      path={`${prefix ? `${prefix}/` : ''}:environment/:subject`}
      element={<DetailRoute prefix={prefix} />}
    />
  </Routes>
);
