// Shared mechanics of adversarial attacks (FGSM, PGD) and robust accuracy.
export * from './attack-options';
export * from './input-gradient';
export * from './robust-accuracy';
