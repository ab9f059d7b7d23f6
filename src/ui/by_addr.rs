//! A prop compared by address: a component re-renders when it is given
//! another `Rc`, not when the value behind it compares equal (the state
//! makes a new `Rc` for every change, and comparing a whole scenario on
//! each render would cost more than the render). Props hold it and derive
//! `PartialEq`, so a prop added later is compared too.

use std::ops::Deref;
use std::rc::Rc;
use yew::html::IntoPropValue;

pub struct ByAddr<T>(pub Rc<T>);

impl<T> Clone for ByAddr<T> {
    fn clone(&self) -> Self {
        ByAddr(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for ByAddr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for ByAddr<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<Rc<T>> for ByAddr<T> {
    fn from(rc: Rc<T>) -> Self {
        ByAddr(rc)
    }
}

impl<T> IntoPropValue<ByAddr<T>> for Rc<T> {
    fn into_prop_value(self) -> ByAddr<T> {
        ByAddr(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_at_two_addresses_differ() {
        let a = ByAddr(Rc::new(1));
        assert!(a == a.clone());
        assert!(a != ByAddr(Rc::new(1)));
        assert_eq!(*a, 1);
    }
}
