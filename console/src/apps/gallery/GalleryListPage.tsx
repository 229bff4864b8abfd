import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { navigate } from '../../platform/hooks/use-route';
import { useI18n } from '../../platform/i18n/i18n';
import {
  COLLECTIONS, detailPath, entityName, galleryApi, galleryKeys, isCollection, KIND_OF, type Collection, type CreateBody, type GalleryEntity,
} from './gallery-api';
import { explain } from './gallery-errors';
import { kindWords } from './gallery-words';

/** The fields of each kind's form, in order; the first is the name (a story's title) and is required. */
const FIELDS: Record<Collection, readonly { key: string; long?: boolean; max: number }[]> = {
  characters: [
    { key: 'name', max: 100 }, { key: 'description', long: true, max: 2000 }, { key: 'personality', long: true, max: 1000 },
    { key: 'speech_style', max: 500 }, { key: 'world_summary', long: true, max: 2000 },
  ],
  stories: [{ key: 'title', max: 200 }, { key: 'synopsis', long: true, max: 2000 }, { key: 'excerpt', long: true, max: 4000 }],
  origchats: [
    { key: 'name', max: 100 }, { key: 'description', long: true, max: 2000 }, { key: 'personality', long: true, max: 1000 },
    { key: 'speech_style', max: 500 }, { key: 'original_world', long: true, max: 2000 },
  ],
};

const tabFromUrl = (): Collection => {
  const tab = new URLSearchParams(location.search).get('tab') ?? undefined;
  return isCollection(tab) ? tab : 'characters';
};

/** /gallery: a tab per collection; my entities and everyone's public ones as cards with their primary image, and a form to make one. */
export function GalleryListPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Collection>(tabFromUrl);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const choose = (c: Collection, focus = false) => {
    setTab(c);
    history.replaceState(null, '', `/gallery?tab=${c}`);
    if (focus) tabs.current[COLLECTIONS.indexOf(c)]?.focus();
  };
  // The tabs pattern: arrows move between the tabs, Home and End jump to the ends.
  const onTabKey = (e: KeyboardEvent) => {
    const i = COLLECTIONS.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: COLLECTIONS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    choose(COLLECTIONS[(next + COLLECTIONS.length) % COLLECTIONS.length]!, true);
  };
  const kind = kindWords(KIND_OF[tab], t);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t('gallery.heading')}</h1>
        <p className="text-slate-700">{t('gallery.intro')}</p>
      </div>
      <div role="tablist" aria-label={t('gallery.tabs')} className="flex gap-2 border-b border-slate-200" onKeyDown={onTabKey}>
        {COLLECTIONS.map((c, i) => (
          <button key={c} ref={(el) => void (tabs.current[i] = el)} type="button" role="tab" id={`gallery-tab-${c}`} aria-controls="gallery-tabpanel"
            aria-selected={tab === c} tabIndex={tab === c ? 0 : -1} onClick={() => choose(c)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab === c ? 'border-blue-600 text-blue-700' : 'border-transparent text-slate-700 hover:text-slate-900'}`}>
            {t(`gallery.tab.${c}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="gallery-tabpanel" aria-labelledby={`gallery-tab-${tab}`} className="space-y-8">
        <EntityList key={`mine-${tab}`} collection={tab} mine title={t('gallery.mine', { kind })} />
        <EntityList key={`public-${tab}`} collection={tab} mine={false} title={t('gallery.public', { kind })} />
        <CreateForm key={`create-${tab}`} collection={tab} />
      </div>
    </div>
  );
}

function EntityList({ collection, mine, title }: { collection: Collection; mine: boolean; title: string }) {
  const { t, lang } = useI18n();
  const id = useId();
  const list = useQuery({ queryKey: galleryKeys.list(collection, mine), queryFn: () => galleryApi.list(collection, mine) });
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} className="text-lg font-semibold">{title}</h2>
      {list.isPending && <p aria-busy="true">{t('gallery.loading')}</p>}
      {list.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800">{explain(list.error, t, lang)}</p>}
      {list.data?.length === 0 && <p className="text-slate-600">{t(mine ? 'gallery.empty.mine' : 'gallery.empty.public')}</p>}
      {list.data && list.data.length > 0 && (
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid={mine ? 'my-cards' : 'public-cards'}>
          {list.data.map((e) => <EntityCard key={e.id} collection={collection} entity={e} />)}
        </ul>
      )}
    </section>
  );
}

/** An entity's card: its primary image (avatar_url, which changes with the primary), its name and what it is. */
function EntityCard({ collection, entity }: { collection: Collection; entity: GalleryEntity }) {
  const { t } = useI18n();
  const name = entityName(entity);
  const href = detailPath(collection, entity.id);
  return (
    <li data-testid="entity-card" data-id={entity.id}>
      <a href={href} onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
        className="block overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm hover:shadow-md">
        <div className="aspect-[3/4] bg-slate-100">
          {entity.avatar_url
            ? <img src={entity.avatar_url} alt={t('gallery.card.alt', { name })} className="h-full w-full object-cover" data-testid="card-image" />
            : <div className="flex h-full items-center justify-center text-sm text-slate-500">{t('gallery.card.noImage')}</div>}
        </div>
        <div className="space-y-1 p-3">
          <p className="truncate font-semibold" data-testid="card-name">{name}</p>
          <p className="flex flex-wrap gap-2 text-xs text-slate-600">
            <span>{t('gallery.card.count', { n: entity.gallery_count })}</span>
            <span>{t(entity.is_public ? 'gallery.public.yes' : 'gallery.public.no')}</span>
            {entity.is_owner && <span className="rounded bg-blue-100 px-1 text-blue-800">{t('gallery.card.mine')}</span>}
          </p>
        </div>
      </a>
    </li>
  );
}

/** The small form that makes an entity of the tab's kind; it opens the new one's page. */
function CreateForm({ collection }: { collection: Collection }) {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const id = useId();
  const fields = FIELDS[collection];
  const [values, setValues] = useState<Record<string, string>>({});
  const [isPublic, setPublic] = useState(true);
  const create = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { is_public: isPublic };
      for (const f of fields) if (values[f.key]?.trim()) body[f.key] = values[f.key]!.trim();
      return galleryApi.create(collection, body as CreateBody);
    },
    onSuccess: (entity) => {
      void client.invalidateQueries({ queryKey: galleryKeys.collection(collection) });
      navigate(detailPath(collection, entity.id));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const [first] = fields;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 text-lg font-semibold">{t('gallery.create', { kind: kindWords(KIND_OF[collection], t) })}</h2>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
        {fields.map((f) => {
          const label = t(`gallery.field.${f.key}` as 'gallery.field.name');
          const shown = f === first ? label : t('gallery.optional', { label });
          const common = {
            value: values[f.key] ?? '', maxLength: f.max, required: f === first,
            onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [f.key]: e.target.value })),
            className: 'mt-1 w-full rounded border border-slate-300 px-3 py-2',
          };
          return (
            <label key={f.key} className={`block text-sm font-medium ${f.long ? 'sm:col-span-2' : ''}`}>
              {shown}
              {f.long ? <textarea rows={2} {...common} /> : <input type="text" {...common} />}
            </label>
          );
        })}
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} className="h-4 w-4" />
          {t('gallery.create.public')}
        </label>
        {create.error && <p role="alert" className="rounded bg-red-50 p-3 text-red-800 sm:col-span-2">{explain(create.error, t, lang)}</p>}
        <div className="sm:col-span-2">
          <button type="submit" disabled={create.isPending} className="rounded bg-blue-600 px-4 py-2 font-medium text-white disabled:opacity-50">
            {create.isPending ? t('gallery.create.creating') : t('gallery.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
