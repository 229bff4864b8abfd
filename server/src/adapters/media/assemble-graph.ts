export interface ClipFacts {
  durationSec: number;
  hasAudio: boolean;
}

export interface AssembleLayout {
  width: number;
  height: number;
  fps: number;
  /** Gain of the clips' own sound; 0 drops it and the bed plays alone. */
  clipGain: number;
  /** Gain of the bed laid under the clips. */
  bedGain: number;
}

const AUDIO_FORMAT = 'aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo';

/**
 * The ffmpeg filter graph for `assemble`: inputs 0..n-1 are the clips, input n the (looped) bed.
 * Every clip is fitted to one frame size and cut or padded to its own duration, picture and sound
 * alike, so the joined streams stay in sync; the bed is cut to the sum. Outputs [v] and [a].
 */
export function assembleFilterGraph(clips: ClipFacts[], layout: AssembleLayout): { graph: string; durationSec: number } {
  const { width: w, height: h, fps } = layout;
  const total = clips.reduce((s, c) => s + c.durationSec, 0);
  const keepClipAudio = layout.clipGain > 0;
  const parts: string[] = [];
  clips.forEach((clip, i) => {
    const d = clip.durationSec.toFixed(3);
    parts.push(
      `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p,` +
        `tpad=stop_mode=clone:stop_duration=${d},trim=duration=${d},setpts=PTS-STARTPTS[v${i}]`,
    );
    if (!keepClipAudio) return;
    // A clip without sound gets silence of its length, so concat still sees one audio stream a clip.
    const source = clip.hasAudio ? `[${i}:a]${AUDIO_FORMAT},apad,` : `anullsrc=r=44100:cl=stereo,${AUDIO_FORMAT},`;
    parts.push(`${source}atrim=duration=${d},asetpts=PTS-STARTPTS[a${i}]`);
  });
  const segments = clips.map((_, i) => (keepClipAudio ? `[v${i}][a${i}]` : `[v${i}]`)).join('');
  const bed = `[${clips.length}:a]${AUDIO_FORMAT},atrim=duration=${total.toFixed(3)},asetpts=PTS-STARTPTS,volume=${layout.bedGain}`;
  if (keepClipAudio) {
    parts.push(`${segments}concat=n=${clips.length}:v=1:a=1[v][joined]`);
    parts.push(`[joined]volume=${layout.clipGain}[sound]`);
    parts.push(`${bed}[bed]`);
    // amerge + pan sums the two exactly; amix would scale both down by the number of inputs.
    parts.push(`[sound][bed]amerge=inputs=2,pan=stereo|c0=c0+c2|c1=c1+c3[a]`);
  } else {
    parts.push(`${segments}concat=n=${clips.length}:v=1:a=0[v]`);
    parts.push(`${bed}[a]`);
  }
  return { graph: parts.join(';'), durationSec: total };
}
