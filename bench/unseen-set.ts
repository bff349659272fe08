/**
 * The check set off the training drive's val frames for --samples auto and analytic (issue 27):
 * CamVid val shares its drive with a third of train, so a rule tuned on val can overfit it. The
 * set: 16 frames of train's 0006R0 drive (a sequence val does not contain), spread evenly over
 * it; the first 8 as they are, the other 8 corrupted at severity 3 (lib/corruptions: noise, blur,
 * weather, digital), so half the set is off the training distribution. Written once under
 * bench/.cache/unseen/{images,labels} (labels copied from trainannot under the images' names);
 * nothing cut from CamVid is committed.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { corrupt, type CorruptionName } from '../lib/corruptions';
import { decodePhoto } from '../lib/image/decode-photo';
import { encodePng } from '../lib/image/encode';
import { CACHE, CAMVID_VAL } from './setup';

const TRAIN = path.join(path.dirname(CAMVID_VAL), 'train');
const TRAIN_LABELS = path.join(path.dirname(CAMVID_VAL), 'trainannot');
export const UNSEEN = path.join(CACHE, 'unseen');
const CORRUPTED: readonly CorruptionName[] = ['gaussian-noise', 'motion-blur', 'fog', 'contrast', 'jpeg-compression', 'brightness', 'defocus-blur', 'snow'];
const SEVERITY = 3;

/** Builds the set when missing; returns its image and label folders. */
export async function unseenSet(): Promise<{ images: string; labels: string }> {
  const images = path.join(UNSEEN, 'images'), labels = path.join(UNSEEN, 'labels');
  const frames = readdirSync(TRAIN).filter((f) => f.startsWith('0006R0')).sort();
  const picked = Array.from({ length: 16 }, (_, k) => frames[Math.floor((k * frames.length) / 16)]);
  mkdirSync(images, { recursive: true });
  mkdirSync(labels, { recursive: true });
  for (const [k, frame] of picked.entries()) {
    const corruption = k < 8 ? null : CORRUPTED[k - 8];
    const name = corruption ? `${path.basename(frame, '.png')}-${corruption}-${SEVERITY}.png` : frame;
    if (existsSync(path.join(images, name))) continue;
    const bytes = readFileSync(path.join(TRAIN, frame));
    if (corruption) {
      const { image } = await decodePhoto(bytes, { file: frame });
      writeFileSync(path.join(images, name), encodePng(await corrupt(image, corruption, SEVERITY, 0, frame)));
    } else {
      copyFileSync(path.join(TRAIN, frame), path.join(images, name));
    }
    copyFileSync(path.join(TRAIN_LABELS, frame), path.join(labels, name));
  }
  return { images, labels };
}

if (require.main === module) void unseenSet().then((s) => console.log(`${s.images} ${s.labels}`));
