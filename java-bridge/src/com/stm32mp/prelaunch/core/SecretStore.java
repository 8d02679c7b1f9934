package com.stm32mp.prelaunch.core;

import org.eclipse.equinox.security.storage.ISecurePreferences;
import org.eclipse.equinox.security.storage.SecurePreferencesFactory;
import org.eclipse.equinox.security.storage.StorageException;

/**
 * SSH passwords live in Eclipse secure storage (encrypted), keyed by configuration name, never in
 * the .launch file. The node is passed in so tests can use a private, non-prompting store.
 */
public final class SecretStore {
    private static final String NODE = PluginIds.PLUGIN_ID + "/ssh-passwords";
    private final ISecurePreferences root;

    public SecretStore(ISecurePreferences root) {
        this.root = root;
    }

    /** The workspace's default secure storage (may prompt for a master password in the IDE). */
    public static SecretStore platformDefault() {
        return new SecretStore(SecurePreferencesFactory.getDefault());
    }

    /** The stored password, or null. */
    public String password(String configName) throws StorageException {
        if (root == null || !root.nodeExists(NODE)) {
            return null;
        }
        return root.node(NODE).get(key(configName), null);
    }

    public void setPassword(String configName, String password) throws StorageException {
        if (root == null) {
            throw new StorageException(StorageException.NO_SECURE_MODULE, "no secure storage available");
        }
        ISecurePreferences node = root.node(NODE);
        if (password == null || password.isEmpty()) {
            node.remove(key(configName));
        } else {
            node.put(key(configName), password, true);
        }
        try {
            node.flush();
        } catch (java.io.IOException e) {
            throw new StorageException(StorageException.INTERNAL_ERROR, e);
        }
    }

    private static String key(String configName) {
        // Secure-storage keys may not contain '/'.
        return configName.replace('/', '_');
    }
}
