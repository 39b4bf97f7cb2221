// The probe contributes nothing; it exists so its tests run in the workbench beside the installed extension.
exports.activate = () => {};
