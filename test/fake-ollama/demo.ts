// Scripts for the sample questions in samples/, so `npm start` with M1_FAKE_OLLAMA=1 and the
// end-to-end tests show realistic reasoning without a GPU. Written for this project.
import { PROBE_QUESTION, PROBE_THOUGHT } from '../../src/core/backends/probe';
import type { Script } from './script';

export const DEMO_SCRIPTS: Script[] = [
  {
    match: 'FEV1/FVC ratio of 0.58',
    think: [
      'An obstructive pattern that does not reverse after a bronchodilator in a heavy smoker is COPD. A low diffusing capacity points to destruction of alveolar walls, which is emphysema rather than chronic bronchitis or asthma. ',
    ],
    answers: ['Irreversible obstruction with a reduced DLCO in a smoker indicates emphysema.\n\n\\boxed{B}'],
  },
  {
    match: 'hyperpigmented palmar creases',
    think: ['Hyponatremia, hyperkalemia and hyperpigmentation suggest primary adrenal insufficiency. The cosyntropin (ACTH) stimulation test confirms it. '],
    answers: ['\\boxed{A}'],
  },
  {
    match: 'ST-segment elevation in leads II, III and aVF',
    think: [
      'ST elevation in II, III and aVF localizes the infarct to the inferior wall. The reciprocal ST depression in I and aVL fits as well. ' +
        'Bradycardia and hypotension suggest involvement of the SA or AV nodal branches, which usually arise from the right coronary artery. ' +
        'The left circumflex can supply the inferior wall in left-dominant hearts, but the nodal signs point to the right coronary artery. ',
      ', let me double-check the circumflex. A circumflex occlusion more often shows changes in I, aVL, V5 and V6, and here I and aVL are depressed, not elevated. ' +
        'So the right coronary artery remains the best answer. ',
    ],
    answers: [
      'The inferior ST elevation with reciprocal changes in I and aVL and the nodal bradycardia indicate a right coronary artery occlusion.\n\n\\boxed{C}',
    ],
  },
  {
    match: 'diffusely enlarged, non-tender thyroid gland with a bruit',
    think: [
      'Hyperthyroid symptoms with a diffuse goiter, a bruit, proptosis and pretibial myxedema. Ophthalmopathy and dermopathy are specific to Graves disease, caused by TSH receptor stimulating antibodies. ',
      '. Toxic multinodular goiter would be nodular and has no eye or skin findings. Subacute thyroiditis is painful. Hashimoto usually causes hypothyroidism. ',
    ],
    answers: ['The combination of diffuse goiter, ophthalmopathy and pretibial myxedema is diagnostic of Graves disease.\n\n\\boxed{B}'],
  },
  {
    match: 'puffy eyes for one week',
    think: [
      'A young child with nephrotic syndrome, normal complement and normal light microscopy: minimal change disease. Electron microscopy shows effacement of podocyte foot processes. ',
      ', could it be membranous nephropathy instead? Subepithelial deposits are typical of adults and light microscopy would show thickened capillary walls. ',
    ],
    answers: [
      'Minimal change disease shows effacement of the podocyte foot processes on electron microscopy.\n\n\\boxed{B}',
      'On reflection the deposits fit membranous nephropathy better.\n\n\\boxed{A}',
    ],
  },
  {
    match: 'typical absence seizures',
    think: [
      'Typical absence seizures without other seizure types: ethosuximide is the drug of choice; valproate is used when generalized tonic-clonic seizures coexist. Carbamazepine and phenytoin can worsen absences. ',
    ],
    answers: ['Ethosuximide is first-line for isolated absence seizures.\n\n\\boxed{C}'],
  },
  {
    match: 'Wernicke encephalopathy',
    think: ['Wernicke encephalopathy (confusion, ophthalmoplegia, ataxia) is due to thiamine (vitamin B1) deficiency, common with chronic alcohol use. '],
    answers: ['The deficiency is of thiamine.\n\n\\boxed{A}'],
  },
  {
    match: 'regenerates acetylcholinesterase',
    think: [
      'Atropine blocks muscarinic effects but does not restore the enzyme. Pralidoxime reactivates phosphorylated acetylcholinesterase if given before aging of the enzyme-inhibitor complex. ',
    ],
    answers: ['Pralidoxime (an oxime) regenerates the enzyme.\n\n\\boxed{B}'],
  },
  {
    match: 'subdural hematoma; her INR is 6.2',
    think: [
      'Life-threatening bleeding on warfarin needs rapid reversal: four-factor prothrombin complex concentrate plus intravenous vitamin K for a sustained effect. Protamine reverses heparin and idarucizumab reverses dabigatran. ',
    ],
    answers: ['\\boxed{B}'],
  },
  {
    match: 'minutes after a wasp sting',
    think: ['Anaphylaxis with hypotension and wheeze: intramuscular epinephrine 0.5 mg into the anterolateral thigh first; antihistamines and steroids are adjuncts. '],
    answers: ['The answer is B: intramuscular epinephrine.'],
  },
  {
    match: 'most common site of an ectopic pregnancy',
    think: ['Most tubal pregnancies, around 70 to 80 percent, implant in the ampulla of the fallopian tube. '],
    answers: ['\\boxed{A}'],
  },
  {
    match: 'prevention of eclamptic seizures',
    think: ['Magnesium sulfate is superior to diazepam and phenytoin for preventing and treating eclamptic seizures. '],
    answers: ['\\boxed{C}'],
  },
  // Check Server's probe: the demo model closes its thought with its own answer marker, as m1 does.
  { match: PROBE_QUESTION.question, think: [`${PROBE_THOUGHT}<|im_start|>answer\nThe answer is A`], answers: ['\\boxed{A}'] },
];
