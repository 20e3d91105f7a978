"""Department features and anomaly scores (IsolationForest, Benford)."""
