import { EntityPage } from './EntityPage';
import { galleryRoute } from './gallery-api';
import { GalleryListPage } from './GalleryListPage';

/** The app's page for both of its paths: the shell re-renders it on every navigation, and the path picks the page. */
export function GalleryApp() {
  const route = galleryRoute(location.pathname);
  return route.page === 'detail'
    ? <EntityPage key={`${route.collection}/${route.id}`} collection={route.collection} id={route.id} />
    : <GalleryListPage />;
}
