import { useI18n } from '../../platform/i18n/i18n';
import type { MediaPlan } from './mv-api';

/** Who makes a part and which environment variable holds its key: the name only, never a key. */
function ProviderLine({ provider, env }: { provider: string; env: string | null }) {
  const { t } = useI18n();
  return (
    <p className="text-xs text-slate-600">
      {t('mv.done.provider', { provider })} · {env ? t('mv.done.keyEnv', { env }) : t('mv.done.keyNone')}
    </p>
  );
}

/** STYLE_BIND's media plan: the character job, the clips of each scene, the music job. */
export function MediaPlanView({ plan }: { plan: MediaPlan }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="mv-mp-h" data-testid="mv-media-plan" className="space-y-4 rounded border border-slate-200 bg-white p-4">
      <h2 id="mv-mp-h" className="text-lg font-semibold">{t('mv.done.mediaPlan')}</h2>
      <div>
        <h3 className="font-medium">{t('mv.done.characterJob')}</h3>
        <ProviderLine provider={plan.character_job.provider} env={plan.character_job.api_key_env} />
        <p className="text-sm">{plan.character_job.prompt}</p>
      </div>
      <div>
        <h3 className="font-medium">{t('mv.done.clips', { n: plan.video_jobs.length })}</h3>
        {plan.video_jobs[0] && <ProviderLine provider={plan.video_jobs[0].provider} env={plan.video_jobs[0].api_key_env} />}
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="mv-clips">
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className="whitespace-nowrap p-1">{t('mv.done.clip.scene')}</th>
                <th scope="col" className="whitespace-nowrap p-1">{t('mv.done.clip.part')}</th>
                <th scope="col" className="whitespace-nowrap p-1">{t('mv.done.clip.duration')}</th>
                <th scope="col" className="whitespace-nowrap p-1">{t('mv.done.clip.prompt')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.video_jobs.map((v) => (
                <tr key={`${v.scene_id}-${v.part}`} className="border-b border-slate-100 align-top">
                  <td className="p-1 font-mono text-xs">{v.scene_id}</td>
                  <td className="p-1">{v.part}</td>
                  <td className="p-1 whitespace-nowrap">{t('mv.done.seconds', { n: v.duration_seconds })}</td>
                  <td className="p-1 text-xs">{v.prompt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div>
        <h3 className="font-medium">{t('mv.done.music')} · {t('mv.done.seconds', { n: plan.music_job.duration_seconds })}</h3>
        <ProviderLine provider={plan.music_job.provider} env={plan.music_job.api_key_env} />
        <p className="text-sm">{plan.music_job.prompt}</p>
      </div>
    </section>
  );
}
