import { NotFoundContent } from '../_components/not-found-content';

/** notFound() in a portal page: inside the portal's header and main landmark. */
export default function PortalNotFound() {
  return <NotFoundContent />;
}
